"""SQL for programmes. Every read starts from the caller's portfolios (access/scope.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_portfolios
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.portfolios.models import objectives, portfolios
from pmo_api.programs.models import programs
from pmo_api.projects.models import projects

FIELDS = (
    "id",
    "portfolio_id",
    "name",
    "description",
    "objectives",
    "sponsor",
    "manager",
    "status",
    "currency",
    "created_at",
    "updated_at",
    "version",
)
SORTS = {
    "id": SortField("id", programs.c.id, "uuid"),
    "name": SortField("name", programs.c.name, "str"),
    "status": SortField("status", programs.c.status, "str"),
    "created_at": SortField("created_at", programs.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", programs.c.updated_at, "datetime"),
}


def presented(principal: Principal) -> Select[Any]:
    """The programmes of the portfolios the caller may see, with their portfolio's currency."""
    columns = [portfolios.c.currency if n == "currency" else programs.c[n] for n in FIELDS]
    return readable_portfolios(principal, *columns).join(
        programs, programs.c.portfolio_id == portfolios.c.id
    )


async def get(
    conn: AsyncConnection, principal: Principal, program_id: uuid.UUID, *, lock: bool = False
) -> RowMapping | None:
    stmt = presented(principal).where(programs.c.id == program_id)
    if lock:
        stmt = stmt.with_for_update(of=programs)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    portfolio_ids: Sequence[uuid.UUID] = (),
    status: Sequence[str] = (),
    manager: Sequence[str] = (),
    sponsor: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    check_text("manager", manager)
    check_text("sponsor", sponsor)
    return narrowed(
        stmt,
        programs,
        among=(
            (programs.c.portfolio_id, portfolio_ids),
            (programs.c.status, status),
            (programs.c.manager, manager),
            (programs.c.sponsor, sponsor),
        ),
        q=q,
        search=(programs.c.name, programs.c.description),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


async def name_taken(
    conn: AsyncConnection,
    portfolio_id: uuid.UUID,
    name: str,
    *,
    other_than: uuid.UUID | None = None,
) -> bool:
    cond = (programs.c.portfolio_id == portfolio_id) & (programs.c.name == name)
    if other_than is not None:
        cond = cond & (programs.c.id != other_than)
    return bool((await conn.execute(select(exists().where(cond)))).scalar())


async def foreign_objectives(
    conn: AsyncConnection, portfolio_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Those of `ids` that are not objectives of the portfolio, in their order."""
    stmt = select(objectives.c.id).where(
        objectives.c.portfolio_id == portfolio_id, objectives.c.id.in_(list(ids))
    )
    found = set((await conn.execute(stmt)).scalars().all())
    return [i for i in ids if i not in found]


async def has_projects(conn: AsyncConnection, program_id: uuid.UUID) -> bool:
    """Any project, archived ones included, names the programme (the foreign key would)."""
    stmt = select(exists().where(projects.c.program_id == program_id))
    return bool((await conn.execute(stmt)).scalar())


async def get_many(
    conn: AsyncConnection, principal: Principal, ids: Sequence[uuid.UUID]
) -> Sequence[RowMapping]:
    stmt = presented(principal).where(programs.c.id.in_(list(ids)))
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows
