"""SQL for the budget baseline and costs. Every read starts from the scope rule
(access/scope.py), so archived projects and portfolios outside the caller's scope are never
seen. No row here is locked on its own: every write locks the owning project's row first
(budget/service.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_rows
from pmo_api.budget.models import budget_lines, cost_entries
from pmo_api.core.listing import ListQuery, check_text, text_search
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.evm.models import project_finance
from pmo_api.portfolios.models import portfolios
from pmo_api.projects.models import projects


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


def lines_of(project_id: uuid.UUID, baseline: int) -> Select[Any]:
    return select(budget_lines).where(
        budget_lines.c.project_id == project_id, budget_lines.c.baseline == baseline
    )


def budget_line_sort(query: ListQuery) -> Sort:
    return parse_sort(query.sort, BUDGET_LINE_SORTS, "period")


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


def _cost_column(name: str) -> Any:
    if name == "project_code":
        return projects.c.code.label(name)
    if name == "portfolio_id":
        return projects.c.portfolio_id
    if name == "currency":
        return portfolios.c.currency
    return cost_entries.c[name]


def costs_of(principal: Principal) -> Select[Any]:
    """Cost entries the caller may see, as the API shows them (rows in COST_FIELDS order)."""
    return readable_rows(principal, cost_entries, *(_cost_column(n) for n in COST_FIELDS)).join(
        portfolios, portfolios.c.id == projects.c.portfolio_id
    )


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
    query: ListQuery,
    *,
    category: Sequence[str] = (),
    from_: date | None = None,
    to: date | None = None,
    portfolio_id: Sequence[uuid.UUID] = (),
    project_ids: Sequence[uuid.UUID] = (),
    project_codes: Sequence[str] = (),
) -> Select[Any]:
    check_text("category", category)
    if category:
        stmt = stmt.where(cost_entries.c.category.in_(category))
    if from_ is not None:
        stmt = stmt.where(cost_entries.c.incurred_on >= from_)
    if to is not None:
        stmt = stmt.where(cost_entries.c.incurred_on <= to)
    if portfolio_id:
        stmt = stmt.where(projects.c.portfolio_id.in_(portfolio_id))
    if project_ids or project_codes:
        stmt = stmt.where(
            cost_entries.c.project_id.in_(project_ids) | projects.c.code.in_(project_codes)
        )
    if query.q:
        stmt = stmt.where(
            text_search(
                query.q,
                cost_entries.c.description,
                cost_entries.c.category,
                cost_entries.c.external_ref,
            )
        )
    if query.updated_since:
        stmt = stmt.where(cost_entries.c.updated_at >= query.updated_since)
    return stmt


def cost_sort(query: ListQuery) -> Sort:
    return parse_sort(query.sort, COST_SORTS, "created_at")


async def baseline_lines(conn: AsyncConnection, project_id: uuid.UUID) -> int:
    stmt = select(project_finance.c.baseline_lines).where(
        project_finance.c.project_id == project_id
    )
    return int((await conn.execute(stmt)).scalar() or 0)


async def has_costs(conn: AsyncConnection, project_id: uuid.UUID) -> bool:
    stmt = select(cost_entries.c.id).where(cost_entries.c.project_id == project_id).limit(1)
    return (await conn.execute(stmt)).first() is not None
