"""Planned and actual hours of projects up to dates: the inputs of the KPI
`planned_vs_actual_hours` (kpis/values.py).

Planned hours are the project view's (resources/project_view.py), by the same statements:
`capacity.named_demand` (allocations of a resource, on its calendar) and
`capacity.unfilled_demand` (role-only allocations, on the standard day), both restricted by
`capacity.booking` (every status but rejected), each day booked as availability books it. So
`GET /projects/{p}/resources?from=<its first allocation>&to=<t>` totals the same hours. Actual
hours are the project's time entries. Both count every day up to and including `t`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Date, Subquery, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.resources import availability, capacity
from pmo_api.resources.models import Grain, allocations, time_entries

Hours = dict[tuple[uuid.UUID, date], float]


def _dates(dates: Sequence[date]) -> Subquery:
    rows = [select(literal(t, Date).label("t")) for t in sorted(set(dates))]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("dates")


async def planned_hours(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID], dates: Sequence[date]
) -> Hours:
    """Per project and date t: the hours its allocations book from their start up to t
    (absent: none). One statement for any number of projects and dates (and one to find the
    days to read)."""
    ids = sorted(set(project_ids))
    if not ids or not dates:
        return {}
    live = capacity.booking(ids)
    a = allocations
    span = select(func.min(a.c.start_date), func.max(a.c.end_date)).where(live)
    low, high = (await conn.execute(span)).one()
    last = max(dates)
    if low is None or low > last:
        return {}
    # The calendar covers every allocation met whole (a `total_hours` one spreads over all its
    # working days), but only the resources they name: not every resource's days.
    named_ids = select(a.c.resource_id).where(live, a.c.resource_id.is_not(None)).distinct()
    resource_ids = list((await conn.execute(named_ids)).scalars())
    days = availability.day_capacity(resource_ids, low, high)
    until = min(high, last)
    # The demand statements have no project column; the allocation's is one join away.
    named = (
        capacity.named_demand(days, live, Grain.DAY, low, until)
        .add_columns(a.c.project_id.label("project_id"))
        .subquery("named")
    )
    unfilled = (
        capacity.unfilled_demand(low, high, live, Grain.DAY, low, until)
        .add_columns(a.c.project_id.label("project_id"))
        .subquery("unfilled")
    )
    demand = union_all(
        select(named.c.project_id, named.c.p, named.c.hours),
        select(unfilled.c.project_id, unfilled.c.p, unfilled.c.hours),
    ).subquery("demand")
    # Per project and day first, so the join to the dates meets one row per day, not per
    # allocation.
    daily = (
        select(demand.c.project_id, demand.c.p, func.sum(demand.c.hours).label("hours"))
        .group_by(demand.c.project_id, demand.c.p)
        .subquery("daily")
    )
    d = _dates(dates)
    stmt = (
        select(daily.c.project_id, d.c.t, func.sum(daily.c.hours))
        .join(d, daily.c.p <= d.c.t)
        .group_by(daily.c.project_id, d.c.t)
    )
    return {(pid, _day(t)): float(h) for pid, t, h in (await conn.execute(stmt)).all()}


async def actual_hours(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID], dates: Sequence[date]
) -> Hours:
    """Per project and date t: the hours of its time entries worked on or before t (absent:
    none)."""
    ids = sorted(set(project_ids))
    if not ids or not dates:
        return {}
    te = time_entries
    d = _dates(dates)
    stmt = (
        select(te.c.project_id, d.c.t, func.sum(te.c.hours))
        .join(d, te.c.work_date <= d.c.t)
        .where(te.c.project_id.in_(ids))
        .group_by(te.c.project_id, d.c.t)
    )
    return {(pid, _day(t)): float(h) for pid, t, h in (await conn.execute(stmt)).all()}


def _day(value: date | str) -> date:
    # A literal date comes back as text from SQLite when the column type is lost in a union.
    return value if isinstance(value, date) else date.fromisoformat(value)
