"""SQL for risks. Every read starts from the scope rule (access/scope.py): risks of live
projects inside the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields, readable_rows
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.projects.models import Grouping
from pmo_api.projects.models import projects as project_rows
from pmo_api.projects.repository import in_groups, named
from pmo_api.risks import rules
from pmo_api.risks.models import risks

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
    "issue_id",
    "created_at",
    "updated_at",
    "version",
)


def presented(principal: Principal) -> Select[Any]:
    """Risks the caller may see, as the API shows them (rows in FIELDS order)."""
    return readable_fields(principal, risks, FIELDS)


async def get(conn: AsyncConnection, principal: Principal, risk_id: uuid.UUID) -> RowMapping | None:
    stmt = presented(principal).where(risks.c.id == risk_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    status: Sequence[str] = (),
    severity: Sequence[str] = (),
    category: Sequence[str] = (),
    owner: Sequence[str] = (),
    min_score: int | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `presented`) with the filters of the risk lists; several values are an OR.
    `projects` (ids or codes) naming nothing that can exist match nothing (an empty IN)."""
    check_text("category", category)
    check_text("owner", owner)
    if min_score is not None:
        stmt = stmt.where(risks.c.score >= min_score)
    if projects:
        stmt = stmt.where(named(projects, risks.c.project_id))
    return narrowed(
        stmt,
        risks,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (risks.c.status, status),
            (risks.c.severity, severity),
            (risks.c.category, category),
            (risks.c.owner, owner),
        ),
        q=q,
        search=(risks.c.title, risks.c.description),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


# The order of a list that names none: creation (GraphQL's connections of risks have no other).
RISK_ORDER = sort_of(None)


async def top_open(
    conn: AsyncConnection,
    principal: Principal,
    group_id: uuid.UUID,
    limit: int,
    *,
    group: Grouping = Grouping.PORTFOLIO,
) -> Sequence[RowMapping]:
    """A portfolio's (or programme's: `group`) highest open risks: by score, then expected
    value."""
    stmt = (
        presented(principal)
        .where(project_rows.c[group.value] == group_id, risks.c.status.in_(rules.OPEN_STATUSES))
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


async def matrices(
    conn: AsyncConnection,
    principal: Principal,
    portfolio_ids: Sequence[uuid.UUID],
    *,
    group: Grouping = Grouping.PORTFOLIO,
) -> dict[uuid.UUID, tuple[dict[tuple[int, int], int], int]]:
    """Open risks counted by (probability, impact) and their total expected value, of many
    portfolios (or programmes: `group`) in one statement, by id (every id answered: one
    without open risks the caller may see has no counts and a total of 0)."""
    owner = project_rows.c[group.value]
    stmt = (
        readable_rows(
            principal,
            risks,
            owner,
            risks.c.probability,
            risks.c.impact,
            func.count(),
            func.coalesce(func.sum(risks.c.expected_value), 0),
        )
        .where(owner.in_(sorted(set(portfolio_ids))), risks.c.status.in_(rules.OPEN_STATUSES))
        .group_by(owner, risks.c.probability, risks.c.impact)
    )
    found: dict[uuid.UUID, tuple[dict[tuple[int, int], int], int]] = {
        i: ({}, 0) for i in portfolio_ids
    }
    for portfolio_id, probability, impact, count, value in (await conn.execute(stmt)).all():
        counts, total = found[portfolio_id]
        counts[(probability, impact)] = int(count)
        found[portfolio_id] = (counts, total + int(value))
    return found
