"""Rules for projects. Services receive the transaction and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Table
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.budget import repository as budget_repo
from pmo_api.core.clock import today, utcnow
from pmo_api.core.crud import changed_only, delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.money import from_minor, to_minor
from pmo_api.db.database import Database
from pmo_api.health import service as health_service
from pmo_api.health.rules import Health, Thresholds
from pmo_api.portfolios import repository as portfolio_repo
from pmo_api.projects import lifecycle
from pmo_api.projects import repository as repo
from pmo_api.projects.schemas import ProjectCreate, ProjectPatch

_PORTFOLIO_ID = repo.API_FIELDS.index("portfolio_id")
# A project as the API shows it: the stored fields, with its health (computed) after status.
_HEALTH_AT = repo.API_FIELDS.index("status") + 1
FIELDS = (*repo.API_FIELDS[:_HEALTH_AT], "health", *repo.API_FIELDS[_HEALTH_AT:])


def project_json(row: Mapping[Any, Any], health: Health) -> dict[str, Any]:
    """A project row of repository.visible() (lists decoded, joined with its portfolio's
    currency) and its health, as the API shows it: the same body as presented_json."""
    body = {name: row[name] for name in repo.API_FIELDS[:_HEALTH_AT]}
    body["health"] = health.health
    body.update((name, row[name]) for name in repo.API_FIELDS[_HEALTH_AT:])
    body["budget"] = from_minor(row["budget"])
    return body


_BUDGET = repo.API_FIELDS.index("budget")
_LIST_INDEXES = tuple(repo.API_FIELDS.index(n) for n in repo.JSON_LISTS)
_UUID_INDEXES = (repo.API_FIELDS.index("id"), _PORTFOLIO_ID)
_FIELD_COUNT = len(repo.API_FIELDS)


def presented_json(row: Sequence[Any], health: Health) -> dict[str, Any]:
    """A repository.presented() row (or the API_FIELDS that begin a BY_ID row) and its
    health, as the API shows it (the same body as project_json). Hot: runs for every row of
    every page, so it works on the positional row directly."""
    values = list(row[:_FIELD_COUNT])
    values[_BUDGET] = from_minor(values[_BUDGET])
    for i in _LIST_INDEXES:
        values[i] = orjson.Fragment(values[i])  # JSON text, embedded as it is
    for i in _UUID_INDEXES:
        values[i] = str(values[i])
    values.insert(_HEALTH_AT, health.health)
    return dict(zip(FIELDS, values, strict=True))


async def project_body(
    conn: AsyncConnection, row: Mapping[Any, Any], thresholds: Thresholds
) -> dict[str, Any]:
    """project_json of a row just read or written, with its health read in `conn`."""
    found = await health_service.health_of(conn, [row["id"]], thresholds=thresholds)
    return project_json(row, found[row["id"]])


async def presented_project(
    db: Database, principal: Principal, ref: str, thresholds: Thresholds
) -> dict[str, Any]:
    """One project for a read, with its health, through the hot path (one statement); 404
    when absent or out of scope."""
    row = await repo.fetch_presented(db, ref, today())
    limited = principal.portfolio_ids is not None
    if row is None or (limited and not principal.sees_portfolio(_as_uuid(row[_PORTFOLIO_ID]))):
        raise NotFound(f"project {ref} does not exist")
    return presented_json(row, health_service.from_row(row[repo.HEALTH_OFFSET :], thresholds))


def _as_uuid(value: Any) -> uuid.UUID:
    # The hot path's driver returns UUIDs as text; SQLAlchemy returns uuid.UUID.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


async def visible_project(
    conn: AsyncConnection, principal: Principal, ref: str | uuid.UUID, *, lock: bool = False
) -> RowMapping:
    row = await repo.get(conn, principal, ref, lock=lock)
    if row is None:
        raise NotFound(f"project {ref} does not exist")
    return row


Reader = Callable[[AsyncConnection, Principal, uuid.UUID], Awaitable[RowMapping]]


async def locked_child(
    conn: AsyncConnection, principal: Principal, child_id: uuid.UUID, read: Reader
) -> RowMapping:
    """A row under a project (a milestone, a cost, a risk...) for a write: found, its project
    locked, then read again, now current. Every write under a project locks the project first,
    so the writes of one project (and the aggregates they rebuild) never interleave."""
    found = await read(conn, principal, child_id)
    await visible_project(conn, principal, found["project_id"], lock=True)
    return await read(conn, principal, child_id)


async def child_to_write(
    conn: AsyncConnection,
    principal: Principal,
    child_id: uuid.UUID,
    read: Reader,
    precondition: Precondition,
    *,
    role: Role = Role.editor,
) -> RowMapping:
    """The checks of every write to a row under a project, in their order: the caller's role,
    the project locked (locked_child), then the precondition against the current version."""
    principal.require(role)
    current = await locked_child(conn, principal, child_id, read)
    precondition.check(current["version"])
    return current


Refresh = Callable[[AsyncConnection, Sequence[uuid.UUID]], Awaitable[None]]


async def update_child(
    conn: AsyncConnection,
    principal: Principal,
    table: Table,
    current: RowMapping,
    changes: Mapping[str, Any],
    read: Reader,
    *,
    refresh: Refresh | None = None,
) -> RowMapping:
    """Write the `changes` that differ from `current` (a row child_to_write gave), rebuild the
    project's aggregates (`refresh`) and read the row again; no change writes nothing."""
    changed = changed_only(current, changes)
    if not changed:
        return current
    await update_row(conn, table, current, changed, actor=principal)
    if refresh is not None:
        await refresh(conn, [current["project_id"]])
    return await read(conn, principal, current["id"])


def _check_dates(values: Mapping[str, Any]) -> None:
    for start, finish in (("start_date", "finish_date"), ("actual_start", "actual_finish")):
        first: date | None = values.get(start)
        last: date | None = values.get(finish)
        if first is not None and last is not None and last < first:
            raise Invalid.field(
                ["body", finish], f"{finish} ({last}) is before {start} ({first})", "date_order"
            )


async def _portfolio_for(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID
) -> RowMapping:
    portfolio = await portfolio_repo.get(conn, principal, portfolio_id)
    if portfolio is None:
        raise Invalid.field(
            ["body", "portfolio_id"], f"portfolio {portfolio_id} does not exist", "not_found"
        )
    return portfolio


async def create_project(
    conn: AsyncConnection, *, principal: Principal, data: ProjectCreate
) -> RowMapping:
    principal.require(Role.editor)
    values = data.model_dump()
    _check_dates(values)
    await _portfolio_for(conn, principal, data.portfolio_id)
    if await repo.code_taken(conn, data.code):
        raise Conflict(f"a project with code '{data.code}' already exists")
    values["budget"] = to_minor(data.budget)
    new_id = await insert_row(conn, repo.projects, values, actor=principal)
    return await visible_project(conn, principal, new_id)


async def update_project(
    conn: AsyncConnection,
    *,
    principal: Principal,
    ref: str | uuid.UUID,
    patch: ProjectPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await visible_project(conn, principal, ref, lock=True)
    precondition.check(current["version"])
    changes = patch.changes()
    if "budget" in changes:
        changes["budget"] = to_minor(changes["budget"])
    changes = {k: v for k, v in changes.items() if v != current[k]}
    if not changes:
        return current
    _check_dates({**current, **changes})
    if "budget" in changes and await budget_repo.baseline_lines(conn, current["id"]):
        raise Conflict(
            "the project's budget is the sum of its budget lines; change it by re-baselining "
            "(PUT /api/v1/projects/{project}/budget-lines)"
        )
    if "status" in changes:
        lifecycle.check_transition(current["status"], changes["status"])
    if "code" in changes and await repo.code_taken(conn, changes["code"], other_than=current["id"]):
        raise Conflict(f"a project with code '{changes['code']}' already exists")
    if "portfolio_id" in changes:
        target = await _portfolio_for(conn, principal, changes["portfolio_id"])
        if target["currency"] != current["currency"]:
            raise Conflict(
                f"the project's money is in {current['currency']}; it cannot move to a "
                f"portfolio kept in {target['currency']}"
            )
    await update_row(conn, repo.projects, current, changes, actor=principal)
    return await visible_project(conn, principal, current["id"])


async def delete_project(
    conn: AsyncConnection, *, principal: Principal, ref: str, precondition: Precondition
) -> None:
    principal.require(Role.editor)
    current = await visible_project(conn, principal, ref, lock=True)
    precondition.check(current["version"])
    if await budget_repo.has_costs(conn, current["id"]):
        # Cost history is never dropped with its project: a cancelled one is archived (gone
        # from the API, kept in the database); any other is refused.
        if current["status"] != "cancelled":
            raise Conflict(
                "a project that has costs can only be deleted once it is cancelled (it is then "
                "archived with its cost history)"
            )
        changes = {"archived_at": utcnow()}
        await update_row(conn, repo.projects, current, changes, actor=principal, action="archive")
        return
    await delete_row(conn, repo.projects, current, actor=principal)
