"""Capacity against demand, by role or by resource and period, computed in one statement over
the calendar of resources/availability.py.

Per group and period: `capacity` is the hours the group's resources can work (a role's: its
resources'); `named` demand the hours allocations of a resource book (by the allocation's role
when grouped by role); `unfilled` demand the hours of role-only allocations, which have no
calendar of their own and so book over the standard day: 8 hours Monday to Friday, none on a
holiday (`hours_per_day` its amount, `percent` that share of 8 hours, `total_hours` spread
over those days). `gap` = capacity - named - unfilled (negative: short). Demand counts every
live project, those the caller cannot see included, unnamed; with `portfolio_ids` or
`program_ids`, only the projects of those portfolios or programmes the caller sees."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import (
    Float,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import live_projects, readable_projects
from pmo_api.db.sqlfuncs import month_start
from pmo_api.projects.models import projects
from pmo_api.projects.repository import in_groups
from pmo_api.resources import availability, capacity_rows
from pmo_api.resources.models import (
    AllocationMode,
    Grain,
    allocations,
    holidays,
)

STANDARD_DAY = 8.0  # hours of a standard working day: the calendar of role-only demand
GroupBy = Literal["role", "resource"]


def _period(d: Any, ws: Any, grain: Grain) -> Any:
    return {"day": d, "week": ws, "month": month_start(d)}[grain]


def period_of(cal: Any, grain: Grain) -> Any:
    """The start of the period of each day of a calendar (availability.calendar_days)."""
    return _period(cal.c.d, cal.c.ws, grain)


def named_demand(days: Any, live: Any, grain: Grain, first: date, last: date) -> Any:
    """(resource_id, role_id, p, hours): each allocation of a resource (`live` says which) on
    each of its days in [first, last] (`days`: availability.day_capacity over a span covering
    every `total_hours` allocation met), under the allocation's role, by period."""
    booking = and_(
        allocations.c.resource_id == days.c.resource_id,
        allocations.c.start_date <= days.c.d,
        allocations.c.end_date >= days.c.d,
        live,
    )
    working = (
        select(allocations.c.id.label("allocation_id"), func.count().label("n"))
        .select_from(allocations.join(days, booking))
        .where(days.c.capacity > 0, allocations.c.mode == AllocationMode.TOTAL_HOURS)
        .group_by(allocations.c.id)
        .subquery()
    )
    return (
        select(
            days.c.resource_id,
            allocations.c.role_id,
            _period(days.c.d, days.c.ws, grain).label("p"),
            availability.day_hours(days.c.capacity, working.c.n).cast(Float).label("hours"),
        )
        .select_from(
            days.join(allocations, booking).outerjoin(
                working, working.c.allocation_id == allocations.c.id
            )
        )
        .where(days.c.d >= first, days.c.d <= last)
    )


def unfilled_demand(low: date, high: date, live: Any, grain: Grain, first: date, last: date) -> Any:
    """(role_id, p, hours): each role-only allocation (`live` says which) on each day of
    [first, last], over the standard calendar of [low, high]."""
    cal = availability.calendar_days(low, high, "standard_calendar")
    standard = case(
        (or_(cal.c.w >= 5, exists().where(holidays.c.day == cal.c.d)), 0.0), else_=STANDARD_DAY
    )
    role_only = and_(
        allocations.c.resource_id.is_(None),
        allocations.c.start_date <= cal.c.d,
        allocations.c.end_date >= cal.c.d,
        live,
    )
    working = (
        select(allocations.c.id.label("allocation_id"), func.count().label("n"))
        .select_from(allocations.join(cal, role_only))
        .where(standard > 0, allocations.c.mode == AllocationMode.TOTAL_HOURS)
        .group_by(allocations.c.id)
        .subquery()
    )
    return (
        select(
            allocations.c.role_id,
            _period(cal.c.d, cal.c.ws, grain).label("p"),
            availability.day_hours(standard, working.c.n).cast(Float).label("hours"),
        )
        .select_from(
            cal.join(allocations, role_only).outerjoin(
                working, working.c.allocation_id == allocations.c.id
            )
        )
        .where(cal.c.d >= first, cal.c.d <= last)
    )


def booking(projects_of: Any) -> Any:
    """An allocation that books: not rejected, on one of `projects_of` (ids)."""
    return and_(
        allocations.c.status.in_(availability.BOOKING), allocations.c.project_id.in_(projects_of)
    )


async def capacity(
    conn: AsyncConnection,
    principal: Principal,
    first: date,
    last: date,
    grain: Grain,
    group_by: GroupBy,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
) -> list[dict[str, Any]]:
    """The rows of the capacity view: per group (a role, or a resource; the unfilled demand of
    a resource view under no resource) and period, in group name then period order."""
    availability.check_range(first, last)
    return [
        r
        async for r in stream_capacity(
            conn, principal, first, last, grain, group_by, portfolio_ids, program_ids
        )
    ]


async def stream_capacity(
    conn: AsyncConnection,
    principal: Principal,
    first: date,
    last: date,
    grain: Grain,
    group_by: GroupBy,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
) -> AsyncIterator[dict[str, Any]]:
    """The same rows, one at a time: the sums are kept per group and period (a year by
    resource and week is ~100,000 rows, which as dicts would take ~150 MB), each row made as
    it is sent (a CSV export streams them). Check the range first."""
    by_role = group_by == "role"
    periods, totals = await capacity_rows.compute(
        conn, _demanded(principal, portfolio_ids, program_ids), first, last, grain, by_role
    )
    order = await capacity_rows.names_in_order(conn, list(totals), by_role)
    for values in capacity_rows.rows(periods, totals, order):
        yield _row(values, first, last, grain, group_by)


def _demanded(
    principal: Principal, portfolio_ids: Sequence[uuid.UUID], program_ids: Sequence[uuid.UUID]
) -> Any:
    """The projects whose allocations count as demand: every live one, or those of the
    portfolios or programmes named that the caller sees."""
    if not (portfolio_ids or program_ids):
        return live_projects(projects.c.id)
    demanded = readable_projects(principal, projects.c.id)
    for column, ids in in_groups(portfolio_ids, program_ids):
        if ids:
            demanded = demanded.where(column.in_(ids))
    return demanded


def first_day(n: int, grain: Grain) -> date:
    """The first day of the period of `grain` holding day number `n`."""
    d = date.fromordinal(n)
    if grain == "week":
        return d - timedelta(days=d.weekday())
    return d.replace(day=1) if grain == "month" else d


def _row(
    values: Sequence[Any], first: date, last: date, grain: Grain, group_by: GroupBy
) -> dict[str, Any]:
    """A row of the view from a row of the statement."""
    g, name, n, cap, want, open_ = values
    start = first_day(int(n), grain)
    period_start, period_end = availability.bounds(start, grain, first, last)
    cap, want, open_ = float(cap), float(want), float(open_)
    return {
        f"{group_by}_id": g,
        "name": name,
        "period_start": period_start,
        "period_end": period_end,
        "capacity": round(cap, 2),
        "demand": {
            "named": round(want, 2),
            "unfilled": round(open_, 2),
            "total": round(want + open_, 2),
        },
        "gap": round(cap - want - open_, 2),
    }
