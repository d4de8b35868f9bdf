"""SQL for gate reviews. Every read starts from the scope rule (access/scope.py): reviews of live
projects inside the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.gates.models import gate_reviews
from pmo_api.projects.repository import in_groups, named
from pmo_api.schedule.models import milestones

SORTS = {
    **tracked_sorts(gate_reviews),
    "scheduled_on": SortField("scheduled_on", gate_reviews.c.scheduled_on, "date", nullable=True),
    "held_on": SortField("held_on", gate_reviews.c.held_on, "date", nullable=True),
    "decided_on": SortField("decided_on", gate_reviews.c.decided_on, "date", nullable=True),
}

# A review's columns as read, in their order (service.review_json shapes the API's body).
FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "milestone_id",
    "scheduled_on",
    "held_on",
    "criteria",
    "reviewers",
    "notes",
    "decision",
    "decided_on",
    "decided_by",
    "rationale",
    "override_reason",
    "conditions",
    "superseded_by",
    "created_at",
    "updated_at",
    "version",
)


def presented(principal: Principal) -> Select[Any]:
    """Gate reviews the caller may see (rows in FIELDS order)."""
    return readable_fields(principal, gate_reviews, FIELDS)


async def get(
    conn: AsyncConnection, principal: Principal, review_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(gate_reviews.c.id == review_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    decision: Sequence[str] = (),
    open: bool | None = None,
    scheduled_before: date | None = None,
    milestone_ids: Sequence[uuid.UUID] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `presented`) with the filters of the gate review lists; several values are
    an OR. `projects` (ids or codes) naming nothing that can exist match nothing."""
    if open is not None:
        stmt = stmt.where(
            gate_reviews.c.decision.is_(None) if open else gate_reviews.c.decision.is_not(None)
        )
    if scheduled_before is not None:
        stmt = stmt.where(gate_reviews.c.scheduled_on < scheduled_before)
    if projects:
        stmt = stmt.where(named(projects, gate_reviews.c.project_id))
    return narrowed(
        stmt,
        gate_reviews,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (gate_reviews.c.decision, decision),
            (gate_reviews.c.milestone_id, milestone_ids),
        ),
        q=q,
        search=(gate_reviews.c.notes, gate_reviews.c.rationale),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


# The order of a list that names none: creation (GraphQL's nested reviews have no other).
REVIEW_ORDER = sort_of(None)


async def gate_by_key(conn: AsyncConnection, project_id: uuid.UUID, key: str) -> uuid.UUID | None:
    """The project's milestone with the gate key `key` (templates give gates their keys)."""
    stmt = select(milestones.c.id).where(
        milestones.c.project_id == project_id, milestones.c.gate_key == key
    )
    found: uuid.UUID | None = (await conn.execute(stmt)).scalar()
    return found


async def open_review(conn: AsyncConnection, milestone_id: uuid.UUID) -> uuid.UUID | None:
    """The gate's open (undecided) review, if any (its project is locked by the caller)."""
    stmt = select(gate_reviews.c.id).where(
        gate_reviews.c.milestone_id == milestone_id, gate_reviews.c.decision.is_(None)
    )
    found: uuid.UUID | None = (await conn.execute(stmt)).scalar()
    return found


async def latest_unsuperseded(
    conn: AsyncConnection, milestone_id: uuid.UUID, other_than: uuid.UUID
) -> RowMapping | None:
    """The gate's latest decided review that no later one supersedes yet (other than the new
    one): the review a new review of the gate supersedes."""
    stmt = (
        select(gate_reviews)
        .where(
            gate_reviews.c.milestone_id == milestone_id,
            gate_reviews.c.decision.is_not(None),
            gate_reviews.c.superseded_by.is_(None),
            gate_reviews.c.id != other_than,
        )
        .order_by(gate_reviews.c.decided_on.desc(), gate_reviews.c.created_at.desc())
        .limit(1)
    )
    row: RowMapping | None = (await conn.execute(stmt)).mappings().first()
    return row


async def superseded_by(conn: AsyncConnection, review_id: uuid.UUID) -> Sequence[RowMapping]:
    """The reviews that the review `review_id` supersedes."""
    stmt = select(gate_reviews).where(gate_reviews.c.superseded_by == review_id)
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows
