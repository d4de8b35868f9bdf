"""A resource's availability, computed in the database over a calendar of days it generates.

A day's capacity = its weekday's working hours x the availability factor, less the hours of
partial time off (never below 0); 0 outside employment, on holidays and on whole days off. A
day is a working day when its capacity is above 0. An allocation (not rejected, of a live
project) books on each of its days: `hours_per_day` its amount on a working day; `percent`
that share of the day's capacity (so it follows a capacity change); `total_hours` its amount
spread evenly over its working days (none: it books nothing). Hours on projects the caller
cannot see count as booked, unnamed: nothing here names a project.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Float, Integer, and_, case, exists, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.scope import live_projects
from pmo_api.core.errors import Invalid
from pmo_api.db.sqlfuncs import month_start, next_day
from pmo_api.projects.models import projects
from pmo_api.resources.models import (
    WEEKDAYS,
    AllocationMode,
    AllocationStatus,
    Grain,
    allocations,
    holidays,
    resources,
    time_off,
)

MAX_DAYS = 1100  # about three years: a plan's horizon, and a bound on the calendar's rows
BOOKING = (AllocationStatus.TENTATIVE, AllocationStatus.REQUESTED, AllocationStatus.APPROVED)


@dataclass(frozen=True)
class Period:
    """The hours of one resource over one period (a day, a week from Monday, a month)."""

    resource_id: uuid.UUID
    start: date
    end: date
    capacity: float
    booked: dict[str, float]  # by status: tentative, requested, approved

    @property
    def allocated(self) -> float:
        return sum(self.booked.values())

    def json(self) -> dict[str, Any]:
        total = self.allocated
        return {
            "period_start": self.start,
            "period_end": self.end,
            "capacity": round(self.capacity, 2),
            "allocated": {
                **{s: round(h, 2) for s, h in self.booked.items()},
                "total": round(total, 2),
            },
            "available": round(self.capacity - total, 2),
            "utilisation": round(total / self.capacity, 4) if self.capacity > 0 else None,
        }


def check_range(first: date, last: date, at: tuple[str, ...] = ("query",)) -> None:
    if last < first:
        raise Invalid.field([*at, "to"], f"`to` ({last}) is before `from` ({first})", "order")
    if (last - first).days >= MAX_DAYS:
        raise Invalid.field([*at, "to"], f"a range has at most {MAX_DAYS} days", "range_too_long")


def calendar_days(first: date, last: date, name: str = "calendar") -> Any:
    """Every day from `first` to `last` (d), its weekday (w, Monday 0) and the Monday of its
    week (ws): a recursive CTE, so the database makes the calendar it joins."""
    monday = first - timedelta(days=first.weekday())
    anchor = select(
        literal(first, Date).label("d"),
        literal(first.weekday(), Integer).label("w"),
        literal(monday, Date).label("ws"),
    ).cte(name, recursive=True)
    following = next_day(anchor.c.d)
    step = select(
        following, (anchor.c.w + 1) % 7, case((anchor.c.w == 6, following), else_=anchor.c.ws)
    ).where(anchor.c.d < literal(last, Date))
    return anchor.union_all(step)


def _among(column: Any, resource_ids: Sequence[uuid.UUID] | None) -> Any:
    """`column` (a resource id) is one of `resource_ids` (None: any resource)."""
    return true() if resource_ids is None else column.in_(resource_ids)


def day_capacity(resource_ids: Sequence[uuid.UUID] | None, first: date, last: date) -> Any:
    """(resource_id, d, ws, capacity) of each resource on each day of [first, last]."""
    cal = calendar_days(first, last)
    hours = case(
        *((cal.c.w == i, resources.c[f"hours_{day}"]) for i, day in enumerate(WEEKDAYS)),
        else_=0.0,
    )
    covering = and_(
        time_off.c.resource_id == resources.c.id,
        time_off.c.start_date <= cal.c.d,
        time_off.c.end_date >= cal.c.d,
    )
    whole_day_off = exists().where(covering, time_off.c.hours_per_day.is_(None))
    hours_off = (
        select(func.coalesce(func.sum(time_off.c.hours_per_day), 0.0))
        .where(covering)
        .scalar_subquery()
    )
    away = or_(
        and_(resources.c.employment_start.is_not(None), cal.c.d < resources.c.employment_start),
        and_(resources.c.employment_end.is_not(None), cal.c.d > resources.c.employment_end),
        exists().where(holidays.c.day == cal.c.d),
        whole_day_off,
    )
    left = hours - hours_off
    capacity = case((away, 0.0), (left > 0, left * resources.c.availability_factor), else_=0.0)
    return (
        select(
            resources.c.id.label("resource_id"),
            cal.c.d,
            cal.c.ws,
            capacity.cast(Float).label("capacity"),
        )
        .select_from(resources.join(cal, true()))
        .where(_among(resources.c.id, resource_ids))
        .cte("day_capacity")
    )


async def span(
    conn: AsyncConnection, resource_ids: Sequence[uuid.UUID] | None, first: date, last: date
) -> tuple[date, date]:
    """[first, last] widened to every `total_hours` allocation overlapping it: each spreads
    its hours over all its working days, so its share of a day needs them all."""
    stmt = select(func.min(allocations.c.start_date), func.max(allocations.c.end_date)).where(
        _among(allocations.c.resource_id, resource_ids),
        allocations.c.mode == AllocationMode.TOTAL_HOURS,
        allocations.c.start_date <= last,
        allocations.c.end_date >= first,
    )
    low, high = (await conn.execute(stmt)).one()
    return min(first, low or first), max(last, high or last)


async def periods(
    conn: AsyncConnection,
    resource_ids: Sequence[uuid.UUID] | None,
    first: date,
    last: date,
    grain: Grain,
    *,
    over: float | None = None,
) -> dict[uuid.UUID, list[Period]]:
    """The periods of [first, last] of each resource, by resource id (every id answered; a
    resource that does not exist has none). `resource_ids` None: every resource (only those
    with periods answered). With `over`, only the periods booked above `over` x capacity."""
    ids = None if resource_ids is None else sorted(set(resource_ids))
    found: dict[uuid.UUID, list[Period]] = {i: [] for i in ids or ()}
    if ids == []:
        return found
    low, high = await span(conn, ids, first, last)
    days = day_capacity(ids, low, high)
    booking = and_(
        allocations.c.resource_id == days.c.resource_id,
        allocations.c.start_date <= days.c.d,
        allocations.c.end_date >= days.c.d,
        allocations.c.status.in_(BOOKING),
        allocations.c.project_id.in_(live_projects(projects.c.id)),
    )
    working_days = (
        select(allocations.c.id.label("allocation_id"), func.count().label("n"))
        .select_from(allocations.join(days, booking))
        .where(days.c.capacity > 0, allocations.c.mode == AllocationMode.TOTAL_HOURS)
        .group_by(allocations.c.id)
        .subquery()
    )
    hours = day_hours(days.c.capacity, working_days.c.n)
    by_status = [
        func.sum(case((allocations.c.status == s, hours), else_=0.0)).label(s) for s in BOOKING
    ]
    booked = (
        select(days.c.resource_id, days.c.d, *by_status)
        .select_from(
            days.join(allocations, booking).outerjoin(
                working_days, working_days.c.allocation_id == allocations.c.id
            )
        )
        .group_by(days.c.resource_id, days.c.d)
        .subquery()
    )
    key = {"day": days.c.d, "week": days.c.ws, "month": month_start(days.c.d)}[grain]
    booked_hours = [func.coalesce(func.sum(booked.c[s]), 0.0) for s in BOOKING]
    stmt = (
        select(days.c.resource_id, key.label("period"), func.sum(days.c.capacity), *booked_hours)
        .select_from(
            days.outerjoin(
                booked, and_(booked.c.resource_id == days.c.resource_id, booked.c.d == days.c.d)
            )
        )
        .where(days.c.d >= first, days.c.d <= last)
        .group_by(days.c.resource_id, key)
        .order_by(days.c.resource_id, key)
    )
    if over is not None:
        total = booked_hours[0] + booked_hours[1] + booked_hours[2]
        # Above the threshold's share of its capacity (a hair over, so that float sums equal
        # to it do not count).
        stmt = stmt.having(total > over * func.sum(days.c.capacity) + 1e-9)
    for resource_id, start, capacity, *hours_by_status in (await conn.execute(stmt)).all():
        start = start if isinstance(start, date) else date.fromisoformat(start)
        period_start, period_end = bounds(start, grain, first, last)
        figures = {s.value: float(h) for s, h in zip(BOOKING, hours_by_status, strict=True)}
        found.setdefault(resource_id, []).append(
            Period(resource_id, period_start, period_end, float(capacity), figures)
        )
    return found


def day_hours(capacity: Any, working_days: Any) -> Any:
    """The hours an allocation books on a day of `capacity` (0 on a day that is not a working
    day), `working_days` the number of its working days (for `total_hours`)."""
    mode = allocations.c.mode
    return case(
        (capacity <= 0, 0.0),
        (mode == AllocationMode.HOURS_PER_DAY, allocations.c.amount),
        (mode == AllocationMode.PERCENT, allocations.c.amount * capacity / 100.0),
        else_=allocations.c.amount / func.coalesce(working_days, 1),
    )


def bounds(start: date, grain: Grain, first: date, last: date) -> tuple[date, date]:
    """The first and last day of the period that starts on `start`, within [first, last]."""
    if grain == "day":
        end = start
    elif grain == "week":
        end = start + timedelta(days=6)
    else:
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return max(start, first), min(end, last)
