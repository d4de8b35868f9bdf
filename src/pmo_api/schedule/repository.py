"""SQL for milestones and progress. Every read starts from the scope rule (access/scope.py),
so archived projects and portfolios outside the caller's scope are never seen.

No row here is locked on its own: every write locks the owning project's row first
(schedule/service.py), which serialises the writes of one project and their aggregates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, literal, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_rows
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.projects.repository import in_groups, named
from pmo_api.schedule.models import MilestoneStatus, milestones, progress_records


async def _one(conn: AsyncConnection, stmt: Select[Any]) -> RowMapping | None:
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


# --- milestones ---------------------------------------------------------------------------------


def milestone_status(today: date) -> Any:
    """CONTRACT §3's derived status, in SQL (so that it can be filtered on)."""
    return case(
        (milestones.c.completed_on.is_not(None), literal(MilestoneStatus.COMPLETED.value)),
        (milestones.c.due_date < today, literal(MilestoneStatus.OVERDUE.value)),
        else_=literal(MilestoneStatus.UPCOMING.value),
    ).label("status")


MILESTONE_SORTS = {
    **tracked_sorts(milestones),
    "name": SortField("name", milestones.c.name, "str"),
    "due_date": SortField("due_date", milestones.c.due_date, "date"),
    "forecast_date": SortField("forecast_date", milestones.c.forecast_date, "date", nullable=True),
    "completed_on": SortField("completed_on", milestones.c.completed_on, "date", nullable=True),
}


def milestones_of(principal: Principal, today: date) -> Select[Any]:
    return readable_rows(principal, milestones, milestones, milestone_status(today))


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
    today: date,
    *,
    status: Sequence[str] = (),
    is_gate: bool | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    """`stmt` (over milestones_of) with the filters of the milestone lists; several values are
    an OR. `projects` (ids or codes) that name nothing that can exist match nothing."""
    if is_gate is not None:
        stmt = stmt.where(milestones.c.is_gate == is_gate)
    if projects:
        stmt = stmt.where(named(projects, milestones.c.project_id))
    return narrowed(
        stmt,
        milestones,
        among=[(milestone_status(today), status), *in_groups(portfolio_ids, program_ids)],
        q=q,
        search=(milestones.c.name, milestones.c.description),
        updated_since=updated_since,
    )


def milestone_sort(sort: str | None = None) -> Sort:
    return parse_sort(sort, MILESTONE_SORTS, "due_date")


MILESTONE_ORDER = milestone_sort()  # when none is asked for


# --- progress -----------------------------------------------------------------------------------

PROGRESS_SORTS = {
    **tracked_sorts(progress_records),
    "as_of": SortField("as_of", progress_records.c.as_of, "date"),
}


def progress_of(principal: Principal) -> Select[Any]:
    return readable_rows(principal, progress_records)


async def get_progress(
    conn: AsyncConnection, principal: Principal, progress_id: uuid.UUID
) -> RowMapping | None:
    stmt = progress_of(principal).where(progress_records.c.id == progress_id)
    return await _one(conn, stmt)


async def gate_taken(
    conn: AsyncConnection, project_id: uuid.UUID, gate_key: str, *, other_than: uuid.UUID | None
) -> bool:
    """Whether another milestone of the project already is the gate `gate_key`."""
    stmt = select(milestones.c.id).where(
        milestones.c.project_id == project_id, milestones.c.gate_key == gate_key
    )
    if other_than is not None:
        stmt = stmt.where(milestones.c.id != other_than)
    return (await conn.execute(stmt)).first() is not None


async def progress_taken(
    conn: AsyncConnection, project_id: uuid.UUID, as_of: date, *, other_than: uuid.UUID | None
) -> bool:
    stmt = select(progress_records.c.id).where(
        progress_records.c.project_id == project_id, progress_records.c.as_of == as_of
    )
    if other_than is not None:
        stmt = stmt.where(progress_records.c.id != other_than)
    return (await conn.execute(stmt.limit(1))).first() is not None


def progress_sort(sort: str | None = None) -> Sort:
    return parse_sort(sort, PROGRESS_SORTS, "as_of")


PROGRESS_ORDER = progress_sort()  # when none is asked for
