"""SQL for risks. Every read joins the owning project (live, inside the caller's scope)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.listing import ListQuery, check_text, text_search
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.db.base import table_of
from pmo_api.portfolios.models import Portfolio
from pmo_api.projects.models import Project
from pmo_api.risks import rules
from pmo_api.risks.models import Risk

risks = table_of(Risk)
projects = table_of(Project)
portfolios = table_of(Portfolio)

SORTS = {
    "id": SortField("id", risks.c.id, "uuid"),
    "title": SortField("title", risks.c.title, "str"),
    "score": SortField("score", risks.c.score, "int"),
    "expected_value": SortField("expected_value", risks.c.expected_value, "int", nullable=True),
    "review_date": SortField("review_date", risks.c.review_date, "date", nullable=True),
    "created_at": SortField("created_at", risks.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", risks.c.updated_at, "datetime"),
}

# A risk as the API shows it, in its field order.
FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "title",
    "description",
    "category",
    "probability",
    "impact",
    "score",
    "severity",
    "cost_impact",
    "expected_value",
    "currency",
    "response",
    "mitigation_plan",
    "contingency_plan",
    "owner",
    "status",
    "review_date",
    "trigger",
    "created_at",
    "updated_at",
    "version",
)
_LIVE = projects.c.archived_at.is_(None)


def _column(name: str) -> Any:
    if name == "project_code":
        return projects.c.code.label(name)
    if name == "portfolio_id":
        return projects.c.portfolio_id
    if name == "currency":
        return portfolios.c.currency
    return risks.c[name]


def presented(principal: Principal) -> Select[Any]:
    """Risks the caller may see, as the API shows them (rows in FIELDS order)."""
    return presented_unscoped().where(_LIVE, principal.portfolio_filter(projects.c.portfolio_id))


async def get(conn: AsyncConnection, principal: Principal, risk_id: uuid.UUID) -> RowMapping | None:
    stmt = presented(principal).where(risks.c.id == risk_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    query: ListQuery,
    *,
    status: Sequence[str] = (),
    severity: Sequence[str] = (),
    category: Sequence[str] = (),
    owner: Sequence[str] = (),
    min_score: int | None = None,
    portfolio_id: Sequence[uuid.UUID] = (),
    project_ids: Sequence[uuid.UUID] = (),
    project_codes: Sequence[str] = (),
) -> Select[Any]:
    check_text("category", category)
    check_text("owner", owner)
    for column, values in (
        (risks.c.status, status),
        (risks.c.severity, severity),
        (risks.c.category, category),
        (risks.c.owner, owner),
        (projects.c.portfolio_id, portfolio_id),
    ):
        if values:
            stmt = stmt.where(column.in_(values))
    if min_score is not None:
        stmt = stmt.where(risks.c.score >= min_score)
    if project_ids or project_codes:
        stmt = stmt.where(risks.c.project_id.in_(project_ids) | projects.c.code.in_(project_codes))
    if query.q:
        stmt = stmt.where(text_search(query.q, risks.c.title, risks.c.description))
    if query.updated_since:
        stmt = stmt.where(risks.c.updated_at >= query.updated_since)
    return stmt


def sort_of(query: ListQuery) -> Sort:
    return parse_sort(query.sort, SORTS, "created_at")


def _open_in_portfolio(portfolio_id: uuid.UUID) -> Any:
    return (
        projects.c.portfolio_id == portfolio_id,
        _LIVE,
        risks.c.status.in_(rules.OPEN_STATUSES),
    )


async def top_open(
    conn: AsyncConnection, portfolio_id: uuid.UUID, limit: int
) -> Sequence[RowMapping]:
    """The portfolio's highest open risks: by score, then expected value."""
    stmt = (
        presented_unscoped()
        .where(*_open_in_portfolio(portfolio_id))
        .order_by(
            risks.c.score.desc(),
            risks.c.expected_value.desc().nulls_last(),
            risks.c.created_at,
            risks.c.id,
        )
        .limit(limit)
    )
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows


def presented_unscoped() -> Select[Any]:
    """Every risk as the API shows it, whoever may see it (callers add the scope)."""
    return (
        select(*(_column(n) for n in FIELDS))
        .join(projects, projects.c.id == risks.c.project_id)
        .join(portfolios, portfolios.c.id == projects.c.portfolio_id)
    )


async def matrices(
    conn: AsyncConnection, portfolio_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[dict[tuple[int, int], int], int]]:
    """`matrix` of many portfolios in one statement, by portfolio id (every id answered: a
    portfolio without open risks has no counts and a total of 0)."""
    stmt = (
        select(
            projects.c.portfolio_id,
            risks.c.probability,
            risks.c.impact,
            func.count(),
            func.coalesce(func.sum(risks.c.expected_value), 0),
        )
        .join(projects, projects.c.id == risks.c.project_id)
        .where(
            projects.c.portfolio_id.in_(sorted(set(portfolio_ids))),
            _LIVE,
            risks.c.status.in_(rules.OPEN_STATUSES),
        )
        .group_by(projects.c.portfolio_id, risks.c.probability, risks.c.impact)
    )
    found: dict[uuid.UUID, tuple[dict[tuple[int, int], int], int]] = {
        i: ({}, 0) for i in portfolio_ids
    }
    for portfolio_id, probability, impact, count, value in (await conn.execute(stmt)).all():
        counts, total = found[portfolio_id]
        counts[(probability, impact)] = int(count)
        found[portfolio_id] = (counts, total + int(value))
    return found
