"""Over-allocations: each resource and date range booked above a share of its capacity, by how
many hours, and the allocations involved.

The periods above the line come from the availability statement (availability.periods, the
comparison in SQL); consecutive ones of a resource are one range (a person booked 12 h on 8 h
from Monday to Wednesday is one finding, not three). The allocations involved are those of the
resource that book in the range (not rejected, on a live project, overlapping it): the ones on
projects the caller may see are named, the others only counted, since the caller may know that
hours are taken but never on which project (docs/access.md)."""

from __future__ import annotations

import uuid
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, live_projects, sees_portfolio
from pmo_api.core.pagination import Sort, SortField, SortKey
from pmo_api.db.hotpath import driver_rows
from pmo_api.db.sqlfuncs import day_number
from pmo_api.projects.models import projects
from pmo_api.resources import availability, capacity_rows
from pmo_api.resources import day_arrays as days
from pmo_api.resources.day_arrays import Periods
from pmo_api.resources.models import WEEKDAYS, Grain, allocations, resources

# What an allocation involved in a range says about itself (on a project the caller sees).
INVOLVED = ("id", "project_id", "status", "mode", "amount", "start_date", "end_date")
# An allocation involved: its first and last day, what the answer says of it (None: on a
# project the caller may not see), and its booking (day_arrays.Booking).
Involved = tuple[date, date, dict[str, Any] | None, days.Booking]


@dataclass
class Range:
    """Consecutive periods of one resource above the line, summed."""

    resource_id: uuid.UUID
    start: date
    end: date
    capacity: float
    allocated: float

    def json(self, name: str, threshold: float) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id,
            "resource_name": name,
            "period_start": self.start,
            "period_end": self.end,
            "capacity": round(self.capacity, 2),
            "allocated": round(self.allocated, 2),
            # Above the line drawn (threshold x capacity), so never negative: at the default
            # threshold of 1 it is the hours booked beyond capacity.
            "over_by_hours": round(self.allocated - threshold * self.capacity, 2),
            "utilisation": round(self.allocated / self.capacity, 4) if self.capacity > 0 else None,
        }


CHUNK = 100  # resources read and judged at a time, in name order
# The order resources are judged and paged in, and its cursor (core/pagination.py).
BY_NAME = Sort(
    (
        SortKey(SortField("name", resources.c.name, "str"), descending=False),
        SortKey(SortField("id", resources.c.id, "uuid"), descending=False),
    )
)


async def over_allocations(
    conn: AsyncConnection,
    principal: Principal,
    first: date,
    last: date,
    threshold: float,
    grain: Grain,
    *,
    at: tuple[str, ...] = ("query",),
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Every resource's ranges of [first, last] booked above `threshold` x its capacity, by
    resource name then date (`at`: where an error's location starts). With `limit`, the ranges
    of that many resources (those with at least one), after `cursor`, and the cursor of the
    next page (`next_cursor`, None at the end)."""
    availability.check_range(first, last, at)
    after = BY_NAME.decode(cursor) if cursor else None
    periods = Periods.of(first, last, grain)
    f, la = first.toordinal(), last.toordinal()
    # Holidays as far as an allocation can reach beyond the window (at most MAX_DAYS).
    reach = availability.MAX_DAYS
    free = await capacity_rows.holiday_days(conn, f - reach, la + reach)
    rows: list[dict[str, Any]] = []
    listed, next_cursor = 0, None
    while True:
        chunk = await _resources(conn, after, first, last)
        if not chunk:
            break
        involved = await _involved(conn, principal, [r[0] for r in chunk], first, last)
        lo, hi = days.span_of(f, la, (b[3] for listed in involved.values() for b in listed))
        away = await capacity_rows.time_off_rows(conn, lo, hi, [r[0] for r in chunk])
        for resource in chunk:
            rid, name = resource[0], resource[1]
            booked = involved.get(rid, [])
            found = _ranges(resource, booked, periods, f, la, threshold, free, away.get(rid, ()))
            after = [name, rid]
            if not found:
                continue
            rows += _rows(found, name, booked, threshold)
            listed += 1
            if limit is not None and listed >= limit:
                next_cursor = BY_NAME.cursor_for({"name": name, "id": rid})
                break
        if next_cursor is not None or len(chunk) < CHUNK:
            break
    return {
        "from": first,
        "to": last,
        "threshold": threshold,
        "grain": grain,
        "data": rows,
        "next_cursor": next_cursor,
    }


def _ranges(
    resource: Any,
    booked: list[Involved],
    periods: Periods,
    f: int,
    la: int,
    threshold: float,
    free: list[int],
    away: Any,
) -> list[Range]:
    """One resource's runs of adjacent periods booked above the line (day arrays: the
    arithmetic of resources/day_arrays.py)."""
    rid, _name, factor, start, end, *week = resource
    bookings = [b[3] for b in booked]
    lo, hi = days.span_of(f, la, bookings)
    cal = days.calendar(lo, hi, week, float(factor), (start, end), free, away)
    with_days = [
        (b, cal.working_days(b[0], b[1]) if b[2] == "total_hours" else 0) for b in bookings
    ]
    window = cal.hours[f - cal.start : la - cal.start + 1]
    cap = periods.sums(window)
    hours = periods.sums(days.booked_days(cal, with_days, f, la))
    found: list[Range] = []
    previous = -2
    for i, (c, h) in enumerate(zip(cap, hours, strict=True)):
        # Above the line by more than a hair (float sums of equal hours may differ in the
        # last bit); a period without capacity is never over (nothing books on it).
        if c <= 0 or h <= threshold * c + 1e-9:
            continue
        if previous == i - 1:
            last = found[-1]
            last.end, last.capacity, last.allocated = (
                periods.end_of(i),
                last.capacity + c,
                (last.allocated + h),
            )
        else:
            found.append(Range(rid, periods.start_of(i), periods.end_of(i), c, h))
        previous = i
    return found


def _rows(
    found: list[Range], name: str, booked: list[Involved], threshold: float
) -> list[dict[str, Any]]:
    """The answer's rows of one resource: each range with the allocations booking in it."""
    starts = [a[0] for a in booked]  # in order (_involved sorts them)
    out = []
    for r in found:
        begun = booked[: bisect_right(starts, r.end)]
        overlapping = [a for a in begun if a[1] >= r.start]
        seen = [a[2] for a in overlapping if a[2] is not None]
        out.append(
            {
                **r.json(name, threshold),
                "allocations": seen,
                "hidden_allocations": len(overlapping) - len(seen),
            }
        )
    return out


async def _resources(
    conn: AsyncConnection, after: list[Any] | None, first: date, last: date
) -> list[Any]:
    """The next CHUNK resources by name then id (after `after`) with an allocation that books
    in [first, last]: id, name, factor, employment and working week."""
    r = resources
    books = exists().where(
        allocations.c.resource_id == r.c.id,
        allocations.c.status.in_(availability.BOOKING),
        allocations.c.project_id.in_(live_projects(projects.c.id)),
        allocations.c.start_date <= last,
        allocations.c.end_date >= first,
    )
    stmt = select(
        r.c.id,
        r.c.name,
        r.c.availability_factor,
        r.c.employment_start,
        r.c.employment_end,
        *(r.c[f"hours_{d}"] for d in WEEKDAYS),
    ).where(books)
    if after is not None:
        stmt = stmt.where(BY_NAME.after(after))
    return list(await driver_rows(conn, stmt.order_by(*BY_NAME.order_by()).limit(CHUNK)))


async def _involved(
    conn: AsyncConnection,
    principal: Principal,
    resource_ids: list[uuid.UUID],
    first: date,
    last: date,
) -> dict[uuid.UUID, list[Involved]]:
    """The booking allocations of these resources overlapping [first, last], by resource, in
    start order: each one's first and last day, what the answer says of it when the caller sees
    its project (with the project's code; else None), and its booking for the day arrays."""
    a = allocations
    stmt = (
        select(
            a.c.resource_id,
            *(a.c[n] for n in INVOLVED),
            projects.c.code.label("project_code"),
            projects.c.portfolio_id,
            day_number(a.c.start_date),
            day_number(a.c.end_date),
        )
        .join(projects, projects.c.id == a.c.project_id)
        .where(
            LIVE,
            a.c.resource_id.in_(resource_ids),
            a.c.status.in_(availability.BOOKING),
            a.c.start_date <= last,
            a.c.end_date >= first,
        )
        .order_by(a.c.start_date, a.c.id)
    )
    by_resource: dict[uuid.UUID, list[Involved]] = {}
    for row in await driver_rows(conn, stmt):
        rid, aid, pid, status, mode, amount, start, end, code, portfolio_id, s, e = row
        shown = None
        if sees_portfolio(principal, portfolio_id):
            # As text once here: a range's answer repeats them (orjson writes the driver's
            # uuid subclass only through a fallback, a call per value).
            shown = {
                "id": str(aid),
                "project_id": str(pid),
                "status": status,
                "mode": mode,
                "amount": amount,
                "start_date": start,
                "end_date": end,
                "project_code": code,
            }
        by_resource.setdefault(rid, []).append((start, end, shown, (s, e, str(mode), amount)))
    return by_resource
