"""Over-allocations: each resource and date range booked above a share of its capacity, by how
many hours, and the allocations involved.

The periods above the line come from the availability statement (availability.periods, the
comparison in SQL); consecutive ones of a resource are one range (a person booked 12 h on 8 h
from Monday to Wednesday is one finding, not three). The allocations involved are those of the
resource that book in the range (not rejected, on a live project, overlapping it): the ones on
projects the caller may see are named, the others only counted, since the caller may know that
hours are taken but never on which project (docs/access.md)."""

from __future__ import annotations

import base64
import binascii
import uuid
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, live_projects, sees_portfolio
from pmo_api.core.errors import Invalid
from pmo_api.db.hotpath import driver_rows
from pmo_api.db.sqlfuncs import day_number
from pmo_api.projects.models import projects
from pmo_api.resources import availability
from pmo_api.resources import day_arrays as days
from pmo_api.resources.day_arrays import Periods
from pmo_api.resources.models import WEEKDAYS, Grain, allocations, holidays, resources, time_off

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
    after = _decode(cursor, at) if cursor else None
    periods = Periods.of(first, last, grain)
    f, la = first.toordinal(), last.toordinal()
    free = await _holidays(conn, first, last)
    rows: list[dict[str, Any]] = []
    listed, next_cursor = 0, None
    while True:
        chunk = await _resources(conn, after, first, last)
        if not chunk:
            break
        involved = await _involved(conn, principal, [r[0] for r in chunk], first, last)
        away = await _time_off(conn, [r[0] for r in chunk], involved, f, la)
        for resource in chunk:
            rid, name = resource[0], resource[1]
            booked = involved.get(rid, [])
            found = _ranges(resource, booked, periods, f, la, threshold, free, away.get(rid, ()))
            after = (name, rid)
            if not found:
                continue
            rows += _rows(found, name, booked, threshold)
            listed += 1
            if limit is not None and listed >= limit:
                next_cursor = _encode(name, rid)
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
    conn: AsyncConnection, after: tuple[str, uuid.UUID] | None, first: date, last: date
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
        name, rid = after
        stmt = stmt.where(or_(r.c.name > name, and_(r.c.name == name, r.c.id > rid)))
    return list(await driver_rows(conn, stmt.order_by(r.c.name, r.c.id).limit(CHUNK)))


async def _holidays(conn: AsyncConnection, first: date, last: date) -> list[int]:
    """The holidays around [first, last] (allocations reach at most MAX_DAYS beyond it)."""
    lo = first - timedelta(days=availability.MAX_DAYS)
    hi = last + timedelta(days=availability.MAX_DAYS)
    stmt = select(day_number(holidays.c.day)).where(holidays.c.day >= lo, holidays.c.day <= hi)
    return [d for (d,) in await driver_rows(conn, stmt)]


async def _time_off(
    conn: AsyncConnection,
    resource_ids: list[uuid.UUID],
    involved: dict[uuid.UUID, list[Involved]],
    f: int,
    la: int,
) -> dict[uuid.UUID, list[tuple[int, int, float | None]]]:
    """The time off of these resources over the days their calendars cover."""
    lo, hi = days.span_of(f, la, (b[3] for listed in involved.values() for b in listed))
    t = time_off
    stmt = select(
        t.c.resource_id, day_number(t.c.start_date), day_number(t.c.end_date), t.c.hours_per_day
    ).where(
        t.c.resource_id.in_(resource_ids),
        t.c.start_date <= date.fromordinal(hi),
        t.c.end_date >= date.fromordinal(lo),
    )
    away: dict[uuid.UUID, list[tuple[int, int, float | None]]] = {}
    for rid, s, e, each in await driver_rows(conn, stmt):
        away.setdefault(rid, []).append((s, e, None if each is None else float(each)))
    return away


def _encode(name: str, rid: uuid.UUID) -> str:
    payload = orjson.dumps({"s": "over-allocations", "v": [name, str(rid)]})
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode(cursor: str, at: tuple[str, ...]) -> tuple[str, uuid.UUID]:
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if payload.get("s") != "over-allocations":
            raise ValueError("another list's cursor")
        name, rid = payload["v"]
        if not isinstance(name, str):
            raise ValueError("not a name")
        return name, uuid.UUID(rid)
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error):
        raise Invalid.field(
            [*at, "cursor"],
            "cursor is not one this list issued; start again without it",
            "cursor_invalid",
        ) from None


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
