"""The capacity view's rows (resources/capacity.py says what they mean): the database reads the
resources, their time off, the holidays and the booking allocations, one statement each, and
resources/day_arrays.py does the arithmetic, one resource at a time.

A group (a role, or a resource; NULL: no role, or the unfilled demand of the resource view)
has a row for a period when one of its resources supplies capacity (every period of the
window), or when a booking allocation summed under it overlaps the period: the rows the
interval statement this replaced gave."""

from __future__ import annotations

import uuid
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.db.hotpath import driver_rows
from pmo_api.db.sqlfuncs import day_number
from pmo_api.resources import day_arrays as days
from pmo_api.resources.availability import BOOKING
from pmo_api.resources.day_arrays import Booking, Periods
from pmo_api.resources.models import (
    WEEKDAYS,
    allocations,
    holidays,
    resource_roles,
    resources,
    time_off,
)

Group = uuid.UUID | None


@dataclass
class Totals:
    """What a group sums over the window's periods."""

    supply: bool = False
    cap: array[float] | None = None
    named: array[float] | None = None
    unfilled: array[float] | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # bookings' first, last days

    def periods(self, periods: Periods) -> list[int]:
        """The periods with a row: all when the group supplies capacity, else those a
        booking overlaps (each overlaps the window: the statement reads no other)."""
        n = len(periods.starts)
        if self.supply:
            return list(range(n))
        f, size = periods.first, periods.cuts[-1]
        found: set[int] = set()
        for s, e in self.spans:
            found.update(periods.touched(max(s - f, 0), min(e - f + 1, size)))
        return sorted(found)


async def _bookings(
    conn: AsyncConnection, demanded: Any, first: date, last: date, by_role: bool
) -> tuple[dict[uuid.UUID, list[tuple[Group, Booking]]], list[tuple[Group, Booking]]]:
    """Booking allocations overlapping [first, last]: by resource (with the group their hours
    go to) and the role-only ones (with theirs)."""
    a = allocations
    stmt = select(
        a.c.resource_id,
        a.c.role_id,
        day_number(a.c.start_date),
        day_number(a.c.end_date),
        a.c.mode,
        a.c.amount,
    ).where(
        a.c.status.in_(BOOKING),
        a.c.project_id.in_(demanded),
        a.c.start_date <= last,
        a.c.end_date >= first,
    )
    named: dict[uuid.UUID, list[tuple[Group, Booking]]] = defaultdict(list)
    unfilled: list[tuple[Group, Booking]] = []
    # Plain tuples, built as cheaply as can be: ~37,000 rows for a year at bench scale.
    for rid, role, s, e, mode, amount in await driver_rows(conn, stmt):
        if rid is None:
            unfilled.append((role if by_role else None, (s, e, mode, amount)))
        else:
            named[rid].append((role if by_role else rid, (s, e, mode, amount)))
    return named, unfilled


def _spans(
    f: int, la: int, named: dict[uuid.UUID, list[tuple[Group, Booking]]]
) -> dict[uuid.UUID, tuple[int, int]]:
    """The days each resource's calendar must cover, for those whose `total_hours` bookings
    reach beyond the window (the others: the window)."""
    out: dict[uuid.UUID, tuple[int, int]] = {}
    for rid, listed in named.items():
        lo, hi = f, la
        for _, (s, e, mode, _amount) in listed:
            if mode == "total_hours" and (s < lo or e > hi):
                lo, hi = min(lo, s), max(hi, e)
        if (lo, hi) != (f, la):
            out[rid] = (lo, hi)
    return out


async def holiday_days(conn: AsyncConnection, lo: int, hi: int) -> list[int]:
    """The holidays of [lo, hi], as day numbers."""
    first, last = date.fromordinal(lo), date.fromordinal(hi)
    stmt = select(day_number(holidays.c.day)).where(holidays.c.day >= first, holidays.c.day <= last)
    return [d for (d,) in await driver_rows(conn, stmt)]


async def time_off_rows(
    conn: AsyncConnection, lo: int, hi: int, resource_ids: Sequence[uuid.UUID] | None = None
) -> dict[uuid.UUID, list[tuple[int, int, float | None]]]:
    """The time off overlapping [lo, hi] (of these resources; None: every one), by resource:
    first and last day numbers, hours a day (None: whole days)."""
    t = time_off
    stmt = select(
        t.c.resource_id, day_number(t.c.start_date), day_number(t.c.end_date), t.c.hours_per_day
    ).where(t.c.start_date <= date.fromordinal(hi), t.c.end_date >= date.fromordinal(lo))
    if resource_ids is not None:
        stmt = stmt.where(t.c.resource_id.in_(resource_ids))
    away: dict[uuid.UUID, list[tuple[int, int, float | None]]] = defaultdict(list)
    for rid, s, e, each in await driver_rows(conn, stmt):
        away[rid].append((s, e, None if each is None else float(each)))
    return away


def _demand_into(
    totals: dict[Group, Totals],
    cal: days.Calendar,
    bookings: Sequence[tuple[Group, Booking]],
    periods: Periods,
    first: int,
    last: int,
    kind: str,
) -> None:
    """The hours `bookings` book on calendar `cal`, summed per group and period (`kind`:
    named or unfilled), and the days of the window each booking overlaps."""
    by_group: dict[Group, list[tuple[Booking, int]]] = defaultdict(list)
    for g, b in bookings:
        s, e, mode, _ = b
        by_group[g].append((b, cal.working_days(s, e) if mode == "total_hours" else 0))
    for g, listed in by_group.items():
        totals[g].spans += [(b[0], b[1]) for b, _ in listed]
    for g, listed in by_group.items():
        sums = periods.sums(days.booked_days(cal, listed, first, last))
        t = totals[g]
        setattr(t, kind, days.add_into(getattr(t, kind), sums))


async def compute(
    conn: AsyncConnection, demanded: Any, first: date, last: date, grain: str, by_role: bool
) -> tuple[Periods, dict[Group, Totals]]:
    """Every group's sums over the periods of [first, last]."""
    periods = Periods.of(first, last, grain)
    f, la = first.toordinal(), last.toordinal()
    named, unfilled = await _bookings(conn, demanded, first, last, by_role)
    spans = _spans(f, la, named)
    wide = days.span_of(f, la, (b for _, b in unfilled))
    lo = min([wide[0], *(a for a, _ in spans.values())])
    hi = max([wide[1], *(b for _, b in spans.values())])
    free, away = await holiday_days(conn, lo, hi), await time_off_rows(conn, lo, hi)
    r = resources
    stmt = select(
        r.c.id,
        r.c.role_id,
        r.c.availability_factor,
        r.c.employment_start,
        r.c.employment_end,
        *(r.c[f"hours_{d}"] for d in WEEKDAYS),
    )
    totals: dict[Group, Totals] = defaultdict(Totals)
    for rid, role, factor, start, end, *week in await driver_rows(conn, stmt):
        mine = named.get(rid, ())
        a, b = spans.get(rid, (f, la))
        cal = days.calendar(a, b, week, float(factor), (start, end), free, away.get(rid, ()))
        own = totals[role if by_role else rid]
        own.supply = True
        window = cal.hours[f - cal.start : la - cal.start + 1]
        own.cap = days.add_into(own.cap, periods.sums(window))
        if mine:
            _demand_into(totals, cal, mine, periods, f, la, "named")
    if unfilled:
        a, b = days.span_of(f, la, (bk for _, bk in unfilled))
        standard = days.standard_calendar(a, b, free)
        _demand_into(totals, standard, unfilled, periods, f, la, "unfilled")
    return periods, totals


async def names_in_order(
    conn: AsyncConnection, groups: Sequence[Group], by_role: bool
) -> list[tuple[Group, str | None]]:
    """The groups with their names, in the view's order: by name (as the database sorts it),
    then id; the unnamed last."""
    table = resource_roles if by_role else resources
    wanted = {g for g in groups if g is not None}
    stmt = select(table.c.id, table.c.name).order_by(table.c.name, table.c.id)
    ranked = [(g, n) for g, n in (await conn.execute(stmt)).all() if g in wanted]
    known = {g for g, _ in ranked}
    rest = sorted((g for g in wanted if g not in known), key=lambda g: g.bytes)
    tail: list[tuple[Group, str | None]] = [(g, None) for g in rest]
    if None in groups:
        tail.append((None, None))
    return [*ranked, *tail]


def rows(
    periods: Periods, totals: dict[Group, Totals], order: Sequence[tuple[Group, str | None]]
) -> Iterator[tuple[Group, str | None, int, float, float, float]]:
    """(group, name, period start day number, capacity, named, unfilled) in the view's order."""
    n = len(periods.starts)
    for g, name in order:
        t = totals[g]
        cap = t.cap or days.zeros(n)
        named = t.named or days.zeros(n)
        unfilled = t.unfilled or days.zeros(n)
        for i in t.periods(periods):
            yield g, name, periods.starts[i], cap[i], named[i], unfilled[i]
