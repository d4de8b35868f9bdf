"""SQL for change requests. Every read starts from the scope rule (access/scope.py): requests
of live projects inside the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields
from pmo_api.change_requests.models import change_requests
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.projects.repository import in_groups, named
from pmo_api.schedule.models import milestones

SORTS = {
    "id": SortField("id", change_requests.c.id, "uuid"),
    "title": SortField("title", change_requests.c.title, "str"),
    "created_at": SortField("created_at", change_requests.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", change_requests.c.updated_at, "datetime"),
}

# A change request as the API shows it, in its field order.
FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "title",
    "category",
    "justification",
    "priority",
    "requested_by",
    "cost_delta",
    "currency",
    "schedule_delta_days",
    "affected_milestone_ids",
    "state",
    "submitted_at",
    "decided_at",
    "decided_by",
    "decision_note",
    "implemented_at",
    "baseline",
    "decision_id",
    "created_at",
    "updated_at",
    "version",
)


def presented(principal: Principal) -> Select[Any]:
    """Change requests the caller may see, as the API shows them (rows in FIELDS order)."""
    return readable_fields(principal, change_requests, FIELDS)


async def get(
    conn: AsyncConnection, principal: Principal, request_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(change_requests.c.id == request_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    state: Sequence[str] = (),
    category: Sequence[str] = (),
    priority: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `presented`) with the filters of the change request lists; several values
    are an OR. `projects` (ids or codes) naming nothing that can exist match nothing."""
    if projects:
        stmt = stmt.where(named(projects, change_requests.c.project_id))
    return narrowed(
        stmt,
        change_requests,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (change_requests.c.state, state),
            (change_requests.c.category, category),
            (change_requests.c.priority, priority),
        ),
        q=q,
        search=(change_requests.c.title, change_requests.c.justification),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


# The order of a list that names none: creation (GraphQL's connections have no other).
CHANGE_REQUEST_ORDER = sort_of(None)


async def milestones_of(
    conn: AsyncConnection, project_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, RowMapping]:
    """The milestones among `ids` that belong to the project (read in the writer's
    transaction, its project locked), by id."""
    if not ids:
        return {}
    stmt = select(milestones).where(
        milestones.c.project_id == project_id, milestones.c.id.in_(sorted(set(ids)))
    )
    return {row["id"]: row for row in (await conn.execute(stmt)).mappings().all()}
