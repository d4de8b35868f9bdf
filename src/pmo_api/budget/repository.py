"""SQL for the budget baseline and costs. Every read starts from the scope rule
(access/scope.py), so archived projects and portfolios outside the caller's scope are never
seen. No row here is locked on its own: every write locks the owning project's row first
(budget/service.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields, readable_rows
from pmo_api.budget.models import budget_lines, cost_entries
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.evm.models import project_finance
from pmo_api.projects.repository import in_groups, named


async def _one(conn: AsyncConnection, stmt: Select[Any]) -> RowMapping | None:
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


# --- budget lines -------------------------------------------------------------------------------

BUDGET_LINE_SORTS = {
    **tracked_sorts(budget_lines),
    "period": SortField("period", budget_lines.c.period, "date"),
    "category": SortField("category", budget_lines.c.category, "str"),
    "amount": SortField("amount", budget_lines.c.amount, "int"),
}


async def current_baseline(conn: AsyncConnection, project_id: uuid.UUID) -> int:
    stmt = select(project_finance.c.baseline).where(project_finance.c.project_id == project_id)
    return int((await conn.execute(stmt)).scalar() or 0)


async def current_baselines(
    conn: AsyncConnection, principal: Principal, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """The current baseline number of each project the caller may see (absent: none yet)."""
    f = project_finance
    stmt = readable_rows(principal, f, f.c.project_id, f.c.baseline).where(
        f.c.project_id.in_(sorted(set(project_ids)))
    )
    return {row.project_id: int(row.baseline) for row in await conn.execute(stmt)}


def lines_of(principal: Principal, baseline: int | None) -> Select[Any]:
    """The lines of each project's baseline number `baseline`, or of its current baseline
    (None), for the projects the caller may see."""
    stmt = readable_rows(principal, budget_lines)
    if baseline is not None:
        return stmt.where(budget_lines.c.baseline == baseline)
    current = and_(
        project_finance.c.project_id == budget_lines.c.project_id,
        project_finance.c.baseline == budget_lines.c.baseline,
    )
    return stmt.join(project_finance, current)


def filter_lines(
    stmt: Select[Any],
    *,
    category: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    return narrowed(
        stmt,
        budget_lines,
        among=[(budget_lines.c.category, category)],
        q=q,
        search=[budget_lines.c.category],
        updated_since=updated_since,
    )


def budget_line_sort(sort: str | None = None) -> Sort:
    return parse_sort(sort, BUDGET_LINE_SORTS, "period")


LINE_ORDER = budget_line_sort()  # when none is asked for


# --- costs --------------------------------------------------------------------------------------

COST_SORTS = {
    **tracked_sorts(cost_entries),
    "incurred_on": SortField("incurred_on", cost_entries.c.incurred_on, "date"),
    "amount": SortField("amount", cost_entries.c.amount, "int"),
}

# A cost entry as the API shows it, in its field order.
COST_FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "incurred_on",
    "amount",
    "currency",
    "category",
    "description",
    "external_ref",
    "created_at",
    "updated_at",
    "version",
)


def costs_of(principal: Principal) -> Select[Any]:
    """Cost entries the caller may see, as the API shows them (rows in COST_FIELDS order)."""
    return readable_fields(principal, cost_entries, COST_FIELDS)


async def get_cost(
    conn: AsyncConnection, principal: Principal, cost_id: uuid.UUID
) -> RowMapping | None:
    return await _one(conn, costs_of(principal).where(cost_entries.c.id == cost_id))


async def cost_by_ref(
    conn: AsyncConnection, principal: Principal, project_id: uuid.UUID, external_ref: str
) -> RowMapping | None:
    stmt = costs_of(principal).where(
        cost_entries.c.project_id == project_id, cost_entries.c.external_ref == external_ref
    )
    return await _one(conn, stmt)


def filter_costs(
    stmt: Select[Any],
    *,
    category: Sequence[str] = (),
    from_: date | None = None,
    to: date | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    """`stmt` (over costs_of) with the filters of the cost lists; several values are an OR.
    `projects` (ids or codes) that name nothing that can exist match nothing."""
    check_text("category", category)
    if from_ is not None:
        stmt = stmt.where(cost_entries.c.incurred_on >= from_)
    if to is not None:
        stmt = stmt.where(cost_entries.c.incurred_on <= to)
    if projects:
        stmt = stmt.where(named(projects, cost_entries.c.project_id))
    stmt = narrowed(
        stmt,
        cost_entries,
        among=(
            (cost_entries.c.category, category),
            *in_groups(portfolio_ids, program_ids),
        ),
    )
    search = (cost_entries.c.description, cost_entries.c.category, cost_entries.c.external_ref)
    return narrowed(stmt, cost_entries, q=q, search=search, updated_since=updated_since)


def cost_sort(sort: str | None = None) -> Sort:
    return parse_sort(sort, COST_SORTS, "created_at")


COST_ORDER = cost_sort()  # when none is asked for (GraphQL's connections use only this one)


async def baseline_lines(conn: AsyncConnection, project_id: uuid.UUID) -> int:
    stmt = select(project_finance.c.baseline_lines).where(
        project_finance.c.project_id == project_id
    )
    return int((await conn.execute(stmt)).scalar() or 0)


async def has_costs(conn: AsyncConnection, project_id: uuid.UUID) -> bool:
    stmt = select(cost_entries.c.id).where(cost_entries.c.project_id == project_id).limit(1)
    return (await conn.execute(stmt)).first() is not None
