"""SQL for milestones, budget lines, costs and progress. Every read joins the owning project so
that archived projects and portfolios outside the caller's scope are never seen.

No row here is locked on its own: every write locks the owning project's row first
(finance/service.py), which serialises the writes of one project and their aggregates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, Table, case, literal, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.listing import ListQuery, check_text, text_search
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.db.base import table_of
from pmo_api.finance.aggregates import (
    budget_lines,
    cost_entries,
    milestones,
    project_finance,
    projects,
)
from pmo_api.finance.engine import progress_records
from pmo_api.portfolios.models import Portfolio

portfolios = table_of(Portfolio)

_LIVE = projects.c.archived_at.is_(None)


def _owned(table: Table, principal: Principal, *extra: Any) -> Select[Any]:
    """Rows of `table` whose project is live and inside the caller's portfolios."""
    return (
        select(table, *extra)
        .join(projects, projects.c.id == table.c.project_id)
        .where(_LIVE, principal.portfolio_filter(projects.c.portfolio_id))
    )


async def _one(conn: AsyncConnection, stmt: Select[Any]) -> RowMapping | None:
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def _tracked_sorts(table: Table) -> dict[str, SortField]:
    return {
        "id": SortField("id", table.c.id, "uuid"),
        "created_at": SortField("created_at", table.c.created_at, "datetime"),
        "updated_at": SortField("updated_at", table.c.updated_at, "datetime"),
    }


# --- milestones ---------------------------------------------------------------------------------


def milestone_status(today: date) -> Any:
    """CONTRACT §3's derived status, in SQL (so that it can be filtered on)."""
    return case(
        (milestones.c.completed_on.is_not(None), literal("completed")),
        (milestones.c.due_date < today, literal("overdue")),
        else_=literal("upcoming"),
    ).label("status")


MILESTONE_SORTS = {
    **_tracked_sorts(milestones),
    "name": SortField("name", milestones.c.name, "str"),
    "due_date": SortField("due_date", milestones.c.due_date, "date"),
    "forecast_date": SortField("forecast_date", milestones.c.forecast_date, "date", nullable=True),
    "completed_on": SortField("completed_on", milestones.c.completed_on, "date", nullable=True),
}


def milestones_of(principal: Principal, today: date) -> Select[Any]:
    return _owned(milestones, principal, milestone_status(today))


async def get_milestone(
    conn: AsyncConnection,
    principal: Principal,
    milestone_id: uuid.UUID,
    today: date,
) -> RowMapping | None:
    stmt = milestones_of(principal, today).where(milestones.c.id == milestone_id)
    return await _one(conn, stmt)


def filter_milestones(
    stmt: Select[Any],
    query: ListQuery,
    today: date,
    *,
    status: Sequence[str] = (),
    is_gate: bool | None = None,
) -> Select[Any]:
    if status:
        stmt = stmt.where(milestone_status(today).in_(status))
    if is_gate is not None:
        stmt = stmt.where(milestones.c.is_gate == is_gate)
    if query.q:
        stmt = stmt.where(text_search(query.q, milestones.c.name, milestones.c.description))
    if query.updated_since:
        stmt = stmt.where(milestones.c.updated_at >= query.updated_since)
    return stmt


def milestone_sort(query: ListQuery) -> Sort:
    return parse_sort(query.sort, MILESTONE_SORTS, "due_date")


# --- budget lines -------------------------------------------------------------------------------

BUDGET_LINE_SORTS = {
    **_tracked_sorts(budget_lines),
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
    **_tracked_sorts(cost_entries),
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
    return (
        select(*(_cost_column(n) for n in COST_FIELDS))
        .join(projects, projects.c.id == cost_entries.c.project_id)
        .join(portfolios, portfolios.c.id == projects.c.portfolio_id)
        .where(_LIVE, principal.portfolio_filter(projects.c.portfolio_id))
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


# --- progress -----------------------------------------------------------------------------------

PROGRESS_SORTS = {
    **_tracked_sorts(progress_records),
    "as_of": SortField("as_of", progress_records.c.as_of, "date"),
}


async def get_progress(
    conn: AsyncConnection, principal: Principal, progress_id: uuid.UUID
) -> RowMapping | None:
    stmt = _owned(progress_records, principal).where(progress_records.c.id == progress_id)
    return await _one(conn, stmt)


def progress_of(project_id: uuid.UUID) -> Select[Any]:
    return select(progress_records).where(progress_records.c.project_id == project_id)


async def progress_taken(
    conn: AsyncConnection, project_id: uuid.UUID, as_of: date, *, other_than: uuid.UUID | None
) -> bool:
    stmt = progress_of(project_id).where(progress_records.c.as_of == as_of)
    if other_than is not None:
        stmt = stmt.where(progress_records.c.id != other_than)
    return (await conn.execute(stmt.limit(1))).first() is not None


def progress_sort(query: ListQuery) -> Sort:
    return parse_sort(query.sort, PROGRESS_SORTS, "as_of")
