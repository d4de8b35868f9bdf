"""Rules for the decision log. Services receive the transaction and never commit.

Gate reviews and change requests write their entries through `record_decision` inside their
own transaction (`source` gate_review / change_request, `source_id` the review or request):
those entries are read-only to clients (409 on PATCH and DELETE)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import today
from pmo_api.core.crud import delete_row, insert_row
from pmo_api.core.errors import Conflict, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.decisions import repository as repo
from pmo_api.decisions.models import SYSTEM_SOURCES, DecisionSource, decisions
from pmo_api.decisions.schemas import DecisionCreate, DecisionListParams, DecisionPatch
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.projects.children import update_child
from pmo_api.projects.service import locked_child, visible_project, within_project


@dataclass(frozen=True)
class DecisionFilter:
    """The filters of the decision lists: the feed (every project and portfolio the caller
    may see), a project's log (`project`) and a portfolio's own log (`portfolio`). Several
    values of one filter are an OR. Hashable: it is part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio: uuid.UUID | None = None  # the one portfolio of the list; 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    decided_since: date | None = None
    decided_until: date | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: DecisionListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
        portfolio: uuid.UUID | None = None,
    ) -> DecisionFilter:
        """From the parameters REST validates (GraphQL validates its filter with them too)."""
        return filter_of(cls, params, since_at=since_at, project=project, portfolio=portfolio)


async def list_decisions(
    conn: AsyncConnection, principal: Principal, filter: DecisionFilter, *, sort: str | None = None
) -> Listing:
    """The decisions the caller may see that match `filter` (rows in FIELDS order), in `sort`
    order (default: creation): the feed, a project's or a portfolio's log, their CSV and
    GraphQL alike."""
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, decisions.c.project_id, filter.project)
    if filter.portfolio is not None:
        await visible_portfolio(conn, principal, filter.portfolio)
    stmt = repo.filtered(
        stmt, owner_portfolio=filter.portfolio, **narrowing(filter, "project", "portfolio")
    )
    return Listing(stmt, repo.sort_of(sort))


def decision_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.FIELDS}
    body["read_only"] = bool(body["read_only"])
    return body


async def visible_decision(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"decision {object_id}")


async def record_decision(
    conn: AsyncConnection,
    *,
    principal: Principal,
    data: DecisionCreate,
    project: str | uuid.UUID | None = None,
    portfolio_id: uuid.UUID | None = None,
    source: DecisionSource | str | None = None,
    source_id: uuid.UUID | None = None,
) -> RowMapping:
    """A new entry of the log of `project` (id or code) or, without one, of the portfolio
    `portfolio_id`, in the caller's transaction (editor). `source` and `source_id`, when
    given, replace the body's: another domain's service records its decision (`gate_review`,
    `change_request`: such entries are read-only to clients)."""
    principal.require(Role.editor)
    values: dict[str, Any] = data.model_dump()
    if (project is None) == (portfolio_id is None):
        raise ValueError("a decision belongs to exactly one project or portfolio")
    if project is not None:
        owner = await visible_project(conn, principal, project, lock=True)
        values |= {"project_id": owner["id"], "portfolio_id": None}
    else:
        assert portfolio_id is not None
        owner = await visible_portfolio(conn, principal, portfolio_id)
        values |= {"project_id": None, "portfolio_id": owner["id"]}
    if source is not None:
        values |= {"source": DecisionSource(source).value, "source_id": source_id}
    if values["decided_on"] is None:
        values["decided_on"] = today()
    new = await insert_row(conn, decisions, values, actor=principal)
    return await visible_decision(conn, principal, new)


async def create_project_decision(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: DecisionCreate
) -> RowMapping:
    return await record_decision(conn, principal=principal, data=data, project=ref)


async def create_portfolio_decision(
    conn: AsyncConnection, *, principal: Principal, portfolio_id: uuid.UUID, data: DecisionCreate
) -> RowMapping:
    return await record_decision(conn, principal=principal, data=data, portfolio_id=portfolio_id)


async def _to_write(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID, precondition: Precondition
) -> RowMapping:
    """The checks of a client's write: the role, the project locked (a project's entry), the
    entry not the server's own (409), the precondition."""
    principal.require(Role.editor)
    current = await visible_decision(conn, principal, object_id)
    if current["project_id"] is not None:
        current = await locked_child(conn, principal, object_id, visible_decision)
    if current["source"] in SYSTEM_SOURCES:
        raise Conflict(
            f"decision {object_id} was recorded by its {current['source'].replace('_', ' ')} "
            "and is read-only"
        )
    precondition.check(current["version"])
    return current


async def update_decision(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: DecisionPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await _to_write(conn, principal, object_id, precondition)
    return await update_child(
        conn, principal, decisions, current, patch.changes(), visible_decision
    )


async def delete_decision(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await _to_write(conn, principal, object_id, precondition)
    await delete_row(conn, decisions, current, actor=principal)
