"""SQL for quality reviews and findings. Every read starts from the scope rule
(access/scope.py): rows of live projects inside the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, not_, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields, readable_rows
from pmo_api.actions.models import OPEN_STATUSES, ActionSource, action_items
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.projects.models import projects as project_rows
from pmo_api.projects.repository import in_groups, named
from pmo_api.quality.models import quality_findings, quality_reviews

REVIEW_SORTS = {
    "id": SortField("id", quality_reviews.c.id, "uuid"),
    "title": SortField("title", quality_reviews.c.title, "str"),
    "held_on": SortField("held_on", quality_reviews.c.held_on, "date", nullable=True),
    "created_at": SortField("created_at", quality_reviews.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", quality_reviews.c.updated_at, "datetime"),
}
FINDING_SORTS = {
    "id": SortField("id", quality_findings.c.id, "uuid"),
    "created_at": SortField("created_at", quality_findings.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", quality_findings.c.updated_at, "datetime"),
}

# A review and a finding as the API shows them, in their field order.
REVIEW_FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "kind",
    "title",
    "reviewer",
    "held_on",
    "summary",
    "status",
    "created_at",
    "updated_at",
    "version",
)
FINDING_FIELDS = (
    "id",
    "review_id",
    "project_id",
    "project_code",
    "portfolio_id",
    "severity",
    "description",
    "action_item_id",
    "action_owner",
    "action_due_date",
    "action_status",
    "created_at",
    "updated_at",
    "version",
)


def presented_reviews(principal: Principal) -> Select[Any]:
    """Reviews the caller may see, as the API shows them (rows in REVIEW_FIELDS order)."""
    return readable_fields(principal, quality_reviews, REVIEW_FIELDS)


# A finding's corrective action: the first action item made for it (quality/corrective.py).
_CORRECTIVE = (
    select(action_items.c.id)
    .where(
        action_items.c.source == ActionSource.FINDING.value,
        action_items.c.source_id == quality_findings.c.id,
    )
    .order_by(action_items.c.created_at, action_items.c.id)
    .limit(1)
    .correlate(quality_findings)
    .scalar_subquery()
)
_FINDING_COLUMNS: dict[str, Any] = {
    "project_code": project_rows.c.code.label("project_code"),
    "portfolio_id": project_rows.c.portfolio_id,
    "action_item_id": action_items.c.id.label("action_item_id"),
    "action_owner": action_items.c.owner.label("action_owner"),
    "action_due_date": action_items.c.due_date.label("action_due_date"),
    "action_status": action_items.c.status.label("action_status"),
}
# Open: its corrective action is still to do (open, in progress), or it has none.
FINDING_OPEN = or_(action_items.c.id.is_(None), action_items.c.status.in_(OPEN_STATUSES))


def presented_findings(principal: Principal) -> Select[Any]:
    """Findings the caller may see, as the API shows them (rows in FINDING_FIELDS order),
    with their corrective action's fields."""
    columns = (
        _FINDING_COLUMNS[n] if n in _FINDING_COLUMNS else quality_findings.c[n]
        for n in FINDING_FIELDS
    )
    stmt = readable_rows(principal, quality_findings, *columns)
    return stmt.outerjoin(action_items, action_items.c.id == _CORRECTIVE)


async def get_review(
    conn: AsyncConnection, principal: Principal, review_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented_reviews(principal).where(quality_reviews.c.id == review_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def get_finding(
    conn: AsyncConnection, principal: Principal, finding_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented_findings(principal).where(quality_findings.c.id == finding_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def findings_of_review(
    conn: AsyncConnection, principal: Principal, review_id: uuid.UUID
) -> Sequence[RowMapping]:
    """A review's findings as stored (for writes: their versions), in creation order."""
    stmt = (
        presented_findings(principal)
        .where(quality_findings.c.review_id == review_id)
        .order_by(quality_findings.c.created_at, quality_findings.c.id)
    )
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows


def filtered_reviews(
    stmt: Select[Any],
    *,
    kind: Sequence[str] = (),
    status: Sequence[str] = (),
    reviewer: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `presented_reviews`) with the filters of the review lists (OR of values)."""
    check_text("reviewer", reviewer)
    if projects:
        stmt = stmt.where(named(projects, quality_reviews.c.project_id))
    return narrowed(
        stmt,
        quality_reviews,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (quality_reviews.c.kind, kind),
            (quality_reviews.c.status, status),
            (quality_reviews.c.reviewer, reviewer),
        ),
        q=q,
        search=(quality_reviews.c.title, quality_reviews.c.summary),
        updated_since=updated_since,
    )


def filtered_findings(
    stmt: Select[Any],
    *,
    severity: Sequence[str] = (),
    open: bool | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `presented_findings`) with the filters of the finding lists."""
    if open is not None:
        stmt = stmt.where(FINDING_OPEN if open else not_(FINDING_OPEN))
    if projects:
        stmt = stmt.where(named(projects, quality_findings.c.project_id))
    return narrowed(
        stmt,
        quality_findings,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (quality_findings.c.severity, severity),
        ),
        q=q,
        search=(quality_findings.c.description,),
        updated_since=updated_since,
    )


def review_sort(sort: str | None) -> Sort:
    return parse_sort(sort, REVIEW_SORTS, "created_at")


def finding_sort(sort: str | None) -> Sort:
    return parse_sort(sort, FINDING_SORTS, "created_at")


# The orders of lists that name none (GraphQL's nested lists have no other).
REVIEW_ORDER = review_sort(None)
FINDING_ORDER = finding_sort(None)
