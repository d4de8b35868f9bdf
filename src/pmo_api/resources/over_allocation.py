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
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, sees_portfolio
from pmo_api.projects.models import projects
from pmo_api.resources import availability
from pmo_api.resources.models import Grain, allocations, resources

# What an allocation involved in a range says about itself (on a project the caller sees).
INVOLVED = ("id", "project_id", "status", "mode", "amount", "start_date", "end_date")


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
    found = await availability.periods(conn, None, first, last, grain, over=threshold)
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
        for r in ranges(found[resource_id]):
            overlapping = [
                a
                for a in involved.get(resource_id, ())
                if a["start_date"] <= r.end and a["end_date"] >= r.start
            ]
            named = (*INVOLVED, "project_code")
            seen = [{n: a[n] for n in named} for a in overlapping if a["seen"]]
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
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The booking allocations of these resources overlapping [first, last], each with its
    project's code and whether the caller sees that project, by resource."""
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
    by_resource: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in (await conn.execute(stmt)).mappings():
        seen = sees_portfolio(principal, row["portfolio_id"])
        by_resource.setdefault(row["resource_id"], []).append({**row, "seen": seen})
    return by_resource
