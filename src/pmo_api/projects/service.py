"""Rules for projects. Services receive the transaction and never commit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.access.scope import limited, sees_portfolio
from pmo_api.budget import repository as budget_repo
from pmo_api.core.clock import today, utcnow
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery, fetch_page, stream_batches
from pmo_api.core.money import from_minor, to_minor
from pmo_api.db.database import Database
from pmo_api.deletions import recorder as tombstones
from pmo_api.deletions.models import TombstoneReason
from pmo_api.health import service as health_service
from pmo_api.health.rules import Health, Thresholds
from pmo_api.portfolios import repository as portfolio_repo
from pmo_api.programs.service import program_for
from pmo_api.projects import lifecycle
from pmo_api.projects import repository as repo
from pmo_api.projects.schemas import ProjectCreate, ProjectPatch


def project_json(row: Mapping[Any, Any], health: Health) -> dict[str, Any]:
    """A project row of repository.visible() (lists decoded, joined with its portfolio's
    currency) and its health, as the API shows it: the same body as presented_json."""
    body = {}
    for name in repo.API_FIELDS:
        body[name] = row[name]
        if name == "status":  # the computed health follows the stored status
            body["health"] = health.health
            body["health_reason"] = health.reason
    body["budget"] = from_minor(row["budget"])
    return body


def presented_json(row: repo.ProjectRow, health: Health) -> dict[str, Any]:
    """A row of repository.presented() (or of BY_ID) and its health, as the API shows it
    (the same body as project_json). Hot: runs for every row of every page, so it is one
    dict display; the JSON lists are text, embedded as they are."""
    return {
        "id": str(row.id),
        "code": row.code,
        "portfolio_id": str(row.portfolio_id),
        "program_id": None if row.program_id is None else str(row.program_id),
        "name": row.name,
        "description": row.description,
        "objectives": orjson.Fragment(row.objectives),
        "scope": row.scope,
        "deliverables": orjson.Fragment(row.deliverables),
        "constraints": orjson.Fragment(row.constraints),
        "sponsor": row.sponsor,
        "manager": row.manager,
        "priority": row.priority,
        "status": row.status,
        "health": health.health,
        "health_reason": health.reason,
        "start_date": row.start_date,
        "finish_date": row.finish_date,
        "actual_start": row.actual_start,
        "actual_finish": row.actual_finish,
        "budget": from_minor(row.budget),
        "currency": row.currency,
        "ev_method": row.ev_method,
        "tags": orjson.Fragment(row.tags),
        "template_id": None if row.template_id is None else str(row.template_id),
        "template_version": row.template_version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "version": row.version,
    }


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
    when absent or out of scope. A limited caller's scope is checked first: a hidden project
    then costs what a missing one does."""
    if limited(principal) and not await repo.limited_sees(db, principal, ref):
        raise NotFound(f"project {ref} does not exist")
    t = today()
    row = await repo.fetch_presented(db, ref, t)
    if row is None or not sees_portfolio(principal, row.portfolio_id):
        raise NotFound(f"project {ref} does not exist")
    # The rule `actions`, when on, counts the project's overdue action items if it has any.
    counts = await health_service.overdue_counts(db, [row], thresholds, t)
    return presented_json(row, health_service.from_row(row, thresholds, counts.get(row.id, 0)))


@dataclass(frozen=True)
class ProjectFilter:
    """The filters of the project list, REST's and GraphQL's (`q` and `updated_since` are the
    ListQuery's, as for every list). Several values of one filter are an OR."""

    portfolio_ids: Sequence[uuid.UUID] = ()
    program_ids: Sequence[uuid.UUID] = ()
    status: Sequence[str] = ()
    priority: Sequence[int] = ()
    code: Sequence[str] = ()
    manager: Sequence[str] = ()
    sponsor: Sequence[str] = ()
    ev_method: Sequence[str] = ()
    health: Sequence[str] = ()


def _listed(principal: Principal, filter: ProjectFilter, query: ListQuery) -> Select[Any]:
    return repo.filtered(
        repo.presented(principal),
        query,
        portfolio_id=filter.portfolio_ids,
        program_id=filter.program_ids,
        status=filter.status,
        priority=filter.priority,
        code=filter.code,
        manager=filter.manager,
        sponsor=filter.sponsor,
        ev_method=filter.ev_method,
    )


def matching_projects(principal: Principal, filter: ProjectFilter, query: ListQuery) -> Select[Any]:
    """Every project list_projects pages (for a count: GraphQL's `totalCount`). Health is
    computed, not stored: a count by health would compute every project's, so it is refused."""
    if filter.health:
        raise Invalid.field(
            ["totalCount"], "cannot be counted with a health filter; page through it", "no_count"
        )
    return _listed(principal, filter, query)


async def list_projects(
    conn: AsyncConnection,
    principal: Principal,
    filter: ProjectFilter,
    query: ListQuery,
    *,
    thresholds: Thresholds,
    with_health: bool = True,
) -> tuple[list[tuple[repo.ProjectRow, Health | None]], str | None]:
    """A page of the projects the caller may see that match `filter`, each with its health as
    of today, and the cursor of the next page. Without `with_health` (GraphQL, when no field
    asks for it) and no health filter, the health is not read (None): one statement less."""
    stmt, sort = _listed(principal, filter, query), repo.sort_of(query)
    if not (with_health or filter.health):
        page, next_cursor = await fetch_page(conn, stmt, sort, query, positional=True)
        return [(row, None) for row in repo.PRESENTED.all(page)], next_cursor
    found, next_cursor = await health_service.page_with_health(
        conn, stmt, sort, query, rows=repo.PRESENTED, thresholds=thresholds, wanted=filter.health
    )
    return list(found), next_cursor


def stream_projects(
    db: Database,
    principal: Principal,
    filter: ProjectFilter,
    query: ListQuery,
    *,
    thresholds: Thresholds,
    batch: int,
) -> AsyncIterator[tuple[repo.ProjectRow, Health]]:
    """Every project of list_projects (unpaginated, in its sort order) with its health, read
    in one snapshot, `batch` rows at a time (one statement for their health per batch). The
    filters and the sort are checked here, before anything is streamed."""
    stmt, sort = _listed(principal, filter, query), repo.sort_of(query)

    async def rows() -> AsyncIterator[tuple[repo.ProjectRow, Health]]:
        async with db.snapshot() as conn:
            async for rows_ in stream_batches(conn, stmt, sort, batch, positional=True):
                named = repo.PRESENTED.all(rows_)
                healths = await health_service.health_of(
                    conn, [row.id for row in named], thresholds=thresholds
                )
                for row in named:
                    health = healths.get(row.id)
                    if health is not None and (not filter.health or health.health in filter.health):
                        yield row, health

    return rows()


async def within_project(
    conn: AsyncConnection,
    principal: Principal,
    stmt: Select[Any],
    project_id: ColumnElement[uuid.UUID],
    ref: str | None,
) -> Select[Any]:
    """`stmt` narrowed to the rows of the project `ref` names (404 when the caller cannot see
    it), or as it is when `ref` is None: the project lists and the cross-project feeds alike."""
    if ref is None:
        return stmt
    owner = await visible_project(conn, principal, ref)
    return stmt.where(project_id == owner["id"])


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
    conn: AsyncConnection,
    *,
    principal: Principal,
    data: ProjectCreate,
    recorded: Mapping[str, Any] | None = None,
) -> RowMapping:
    """`recorded`: read-only columns set with it (the template a project is made from)."""
    principal.require(Role.editor)
    values = {**data.model_dump(), **(recorded or {})}
    _check_dates(values)
    await _portfolio_for(conn, principal, data.portfolio_id)
    if data.program_id is not None:
        await program_for(conn, principal, data.program_id, data.portfolio_id)
    if await repo.code_taken(conn, data.code):
        raise Conflict(f"a project with code '{data.code}' already exists")
    values["budget"] = to_minor(data.budget)
    new_id = await insert_row(conn, repo.projects, values, actor=principal)
    return await visible_project(conn, principal, new_id)


async def update_project(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID | str,
    patch: ProjectPatch,
    precondition: Precondition,
) -> RowMapping:
    """`object_id`: the project's id, or its code (REST's and GraphQL's `{project}`)."""
    principal.require(Role.editor)
    current = await visible_project(conn, principal, object_id, lock=True)
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
    if "portfolio_id" in changes or "program_id" in changes:
        # A programme is of one portfolio: a move leaves it unless the patch names one of the
        # new portfolio (then checked, as any programme named).
        kept = None if "portfolio_id" in changes else current["program_id"]
        program_id = patch.changes().get("program_id", kept)
        if program_id is not None:
            portfolio_id = changes.get("portfolio_id", current["portfolio_id"])
            await program_for(conn, principal, program_id, portfolio_id)
        changes["program_id"] = program_id
        changes = {k: v for k, v in changes.items() if v != current[k]}
    if "portfolio_id" in changes:
        # Gone from the old portfolio's scope: its pulls learn it from the deletions feed.
        await tombstones.record(conn, repo.projects, current, reason=TombstoneReason.MOVED)
    await update_row(conn, repo.projects, current, changes, actor=principal)
    return await visible_project(conn, principal, current["id"])


async def delete_project(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID | str,
    precondition: Precondition,
) -> None:
    """`object_id`: the project's id, or its code."""
    principal.require(Role.editor)
    current = await visible_project(conn, principal, object_id, lock=True)
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
        await tombstones.record(conn, repo.projects, current)  # gone from the API, as deleted
        await update_row(conn, repo.projects, current, changes, actor=principal, action="archive")
        return
    await delete_row(conn, repo.projects, current, actor=principal)
