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
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, null, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, live_projects, sees_portfolio
from pmo_api.projects.models import projects
from pmo_api.resources import availability, demand, sweep
from pmo_api.resources.models import Grain, allocations, resources

# What an allocation involved in a range says about itself (on a project the caller sees).
INVOLVED = ("id", "project_id", "status", "mode", "amount", "start_date", "end_date")
# An allocation involved: its first and last day, and what the answer says of it (None: on a
# project the caller may not see).
Involved = tuple[date, date, dict[str, Any] | None]


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


def ranges(periods: list[availability.Period]) -> list[Range]:
    """`periods` (one resource's, in order) with each run of adjacent ones made one range."""
    found: list[Range] = []
    for p in periods:
        last = found[-1] if found else None
        if last is not None and last.end + timedelta(days=1) == p.start:
            last.end, last.capacity = p.end, last.capacity + p.capacity
            last.allocated += p.allocated
        else:
            found.append(Range(p.resource_id, p.start, p.end, p.capacity, p.allocated))
    return found


async def over_allocations(
    conn: AsyncConnection,
    principal: Principal,
    first: date,
    last: date,
    threshold: float,
    grain: Grain,
    *,
    at: tuple[str, ...] = ("query",),
) -> dict[str, Any]:
    """Every resource's ranges of [first, last] booked above `threshold` x capacity, by
    resource name then date (`at`: where an error's location starts)."""
    availability.check_range(first, last, at)
    if grain == "day":
        found = await _over_days(conn, first, last, threshold)
    else:
        periods = await availability.periods(conn, None, first, last, grain, over=threshold)
        found = {resource_id: ranges(p) for resource_id, p in periods.items()}
    names = dict(
        (
            await conn.execute(
                select(resources.c.id, resources.c.name).where(resources.c.id.in_(found))
            )
        ).all()
    )
    involved = await _involved(conn, principal, list(found), first, last)
    rows = []
    for resource_id in sorted(found, key=lambda i: (names[i], i)):
        booked = involved.get(resource_id, [])
        starts = [a[0] for a in booked]  # in order (_involved sorts them)
        for r in found[resource_id]:
            begun = booked[: bisect_right(starts, r.end)]
            overlapping = [a for a in begun if a[1] >= r.start]
            seen = [a[2] for a in overlapping if a[2] is not None]
            rows.append(
                {
                    **r.json(names[resource_id], threshold),
                    "allocations": seen,
                    "hidden_allocations": len(overlapping) - len(seen),
                }
            )
    return {"from": first, "to": last, "threshold": threshold, "grain": grain, "data": rows}


async def _involved(
    conn: AsyncConnection,
    principal: Principal,
    resource_ids: list[uuid.UUID],
    first: date,
    last: date,
) -> dict[uuid.UUID, list[Involved]]:
    """The booking allocations of these resources overlapping [first, last], by resource:
    each one's first and last day and, when the caller sees its project, what the answer
    says of it (with its project's code), else None."""
    if not resource_ids:
        return {}
    stmt = (
        select(
            allocations.c.resource_id,
            *(allocations.c[n] for n in INVOLVED),
            projects.c.code.label("project_code"),
            projects.c.portfolio_id,
        )
        .join(projects, projects.c.id == allocations.c.project_id)
        .where(
            LIVE,
            allocations.c.resource_id.in_(resource_ids),
            allocations.c.status.in_(availability.BOOKING),
            allocations.c.start_date <= last,
            allocations.c.end_date >= first,
        )
        .order_by(allocations.c.start_date, allocations.c.id)
    )
    by_resource: dict[uuid.UUID, list[Involved]] = {}
    named = (*INVOLVED, "project_code")
    for row in (await conn.execute(stmt)).mappings():
        seen = sees_portfolio(principal, row["portfolio_id"])
        shown = {n: row[n] for n in named} if seen else None
        if shown is not None:
            # As text once here: a range's answer repeats them (orjson writes the driver's
            # uuid subclass only through a fallback, a call per value).
            shown["id"], shown["project_id"] = str(row["id"]), str(row["project_id"])
        by_resource.setdefault(row["resource_id"], []).append(
            (row["start_date"], row["end_date"], shown)
        )
    return by_resource


def over_days_statement(first: date, last: date, threshold: float) -> Any:
    """Per resource with booking allocations in [first, last], the segments of its timeline
    (resources/sweep.py) where some weekday is booked above `threshold` x its capacity, in
    order, with the hours booked per working day, the share of capacity booked, and a day's
    capacity per weekday."""
    b = demand.booked(
        live_projects(projects.c.id),
        first,
        last,
        allocations.c.resource_id,
        null(),
        named_only=True,
    )
    parts = select(b.c.rid, b.c.g).distinct().cte("timelines")
    lo, hi = sweep.number(first.toordinal()), sweep.number(last.toordinal() + 1)
    events = union_all(
        select(*sweep.event(parts.c.rid, parts.c.g, lo)),
        select(*sweep.event(parts.c.rid, parts.c.g, hi)),
        *sweep.calendar_events(parts.c.rid, parts.c.g, lo, hi, parts),
        *demand.events(b, first.toordinal(), last.toordinal() + 1),
    )
    seg = sweep.segments(events, "over")
    days = sweep.weekdays(seg, "over", each=True, where=seg.c.active > 0)
    return (
        select(
            days.c.rid,
            days.c.a,
            days.c.b,
            days.c.wd_rate,
            days.c.cap_rate,
            *(days.c[f"c{w}"] for w in range(7)),
        )
        .where(
            or_(
                *(
                    and_(
                        days.c[f"c{w}"] > 0,
                        days.c.wd_rate + days.c.cap_rate * days.c[f"c{w}"]
                        > threshold * days.c[f"c{w}"] + 1e-9,
                    )
                    for w in range(7)
                )
            )
        )
        .order_by(days.c.rid, days.c.a)
    )


async def _over_days(
    conn: AsyncConnection, first: date, last: date, threshold: float
) -> dict[uuid.UUID, list[Range]]:
    """The ranges of consecutive days of [first, last] each resource is booked above
    `threshold` x its capacity: the segments where allocations are active come from the
    database; their days are only read off them (a day's capacity is its weekday's, its
    hours the segment's rates) and joined into ranges as they come, in order."""
    found: dict[uuid.UUID, list[Range]] = {}
    for rid, a, b, per_day, share, *capacity in await conn.execute(
        over_days_statement(first, last, threshold)
    ):
        runs = found.get(rid)
        current = runs[-1] if runs else None
        for n in range(a, b + 1):
            cap = capacity[(n - 1) % 7]
            if cap <= 0:
                continue
            hours = per_day + share * cap
            # Above the line by more than a hair, as availability.periods compares.
            if hours <= threshold * cap + 1e-9:
                continue
            if current is not None and current.end.toordinal() + 1 == n:
                current.end = date.fromordinal(n)
                current.capacity += cap
                current.allocated += hours
            else:
                day = date.fromordinal(n)
                current = Range(rid, day, day, cap, hours)
                found.setdefault(rid, []).append(current)
    return found
