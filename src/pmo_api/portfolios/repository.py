"""SQL for portfolios and objectives. Every read applies the caller's portfolio scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import in_portfolios, readable_portfolios
from pmo_api.core.listing import ListQuery, check_text, fetch_page, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.db.base import table_of
from pmo_api.portfolios.models import Objective, Portfolio
from pmo_api.projects.models import Project

portfolios = table_of(Portfolio)
objectives = table_of(Objective)

PORTFOLIO_SORTS = {
    "id": SortField("id", portfolios.c.id, "uuid"),
    "name": SortField("name", portfolios.c.name, "str"),
    "currency": SortField("currency", portfolios.c.currency, "str"),
    "created_at": SortField("created_at", portfolios.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", portfolios.c.updated_at, "datetime"),
}
OBJECTIVE_SORTS = {
    "id": SortField("id", objectives.c.id, "uuid"),
    "name": SortField("name", objectives.c.name, "str"),
    "weight": SortField("weight", objectives.c.weight, "float"),
    "created_at": SortField("created_at", objectives.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", objectives.c.updated_at, "datetime"),
}


async def get(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID, *, lock: bool = False
) -> RowMapping | None:
    stmt = readable_portfolios(principal).where(portfolios.c.id == portfolio_id)
    if lock:
        stmt = stmt.with_for_update()
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def get_many(
    conn: AsyncConnection, principal: Principal, ids: Sequence[uuid.UUID]
) -> Sequence[RowMapping]:
    stmt = readable_portfolios(principal).where(portfolios.c.id.in_(ids))
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows


async def page(
    conn: AsyncConnection,
    principal: Principal,
    query: ListQuery,
    *,
    currency: Sequence[str] = (),
    owner: Sequence[str] = (),
) -> tuple[Sequence[RowMapping], str | None]:
    stmt = listed(principal, query, currency=currency, owner=owner)
    return await fetch_page(conn, stmt, sort_of(query), query)


def listed(
    principal: Principal,
    query: ListQuery,
    *,
    currency: Sequence[str] = (),
    owner: Sequence[str] = (),
) -> Select[Any]:
    """The portfolios the caller may see that match, unordered: what `page` pages."""
    stmt = readable_portfolios(principal)
    check_text("owner", owner)
    check_text("currency", currency)
    stmt = narrowed(
        stmt,
        portfolios,
        among=((portfolios.c.currency, currency), (portfolios.c.owner, owner)),
        q=query.q,
        search=(portfolios.c.name, portfolios.c.description),
        updated_since=query.updated_since,
    )
    return stmt


def sort_of(query: ListQuery) -> Sort:
    return parse_sort(query.sort, PORTFOLIO_SORTS, "created_at")


async def name_taken(
    conn: AsyncConnection, name: str, *, other_than: uuid.UUID | None = None
) -> bool:
    cond = portfolios.c.name == name
    if other_than is not None:
        cond = cond & (portfolios.c.id != other_than)
    return bool((await conn.execute(select(exists().where(cond)))).scalar())


async def has_projects(conn: AsyncConnection, portfolio_id: uuid.UUID) -> bool:
    projects = table_of(Project)
    stmt = select(exists().where(projects.c.portfolio_id == portfolio_id))
    return bool((await conn.execute(stmt)).scalar())


async def get_objective(
    conn: AsyncConnection,
    principal: Principal,
    portfolio_id: uuid.UUID,
    objective_id: uuid.UUID,
    *,
    lock: bool = False,
) -> RowMapping | None:
    stmt = select(objectives).where(
        objectives.c.id == objective_id,
        objectives.c.portfolio_id == portfolio_id,
        in_portfolios(principal, objectives.c.portfolio_id),
    )
    if lock:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).mappings().one_or_none()


async def objective_page(
    conn: AsyncConnection, portfolio_id: uuid.UUID, query: ListQuery
) -> tuple[Sequence[RowMapping], str | None]:
    return await fetch_page(
        conn, objectives_listed(portfolio_id, query), objective_sort(query), query
    )


def objectives_listed(portfolio_id: uuid.UUID, query: ListQuery) -> Select[Any]:
    """A portfolio's objectives that match `query`, unordered: what `objective_page` pages."""
    stmt = select(objectives).where(objectives.c.portfolio_id == portfolio_id)
    search = (objectives.c.name, objectives.c.description)
    return narrowed(stmt, objectives, q=query.q, search=search, updated_since=query.updated_since)


def objective_sort(query: ListQuery) -> Sort:
    return parse_sort(query.sort, OBJECTIVE_SORTS, "created_at")
