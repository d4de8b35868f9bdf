"""Resource calendars as arrays of days in Python: the arithmetic of the capacity view
(resources/capacity.py) once its rows are read.

The rules are availability.py's, day by day: a day's capacity = its weekday's hours less the
partial time off of the day, x the availability factor (never below 0); 0 outside employment,
on a holiday or a whole day off; a working day has capacity above 0. An allocation books on its
working days only: `hours_per_day` its amount, `percent` that share of the day's capacity,
`total_hours` its amount over the number of its working days (over its whole span, which may
reach beyond the window asked). Role-only demand books on the standard calendar (8 hours
Monday to Friday, none on a holiday).

Why Python: the view needs every resource's calendar over up to three years. In SQL that is
hundreds of thousands of events sorted by window functions; here it is a few slice assignments
and prefix sums per resource (itertools.accumulate runs in C), over rows the database reads
in one pass each. Only one resource's days are held at a time; what is kept are the period sums.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate, repeat
from operator import add, itemgetter, mul, sub
from typing import cast

STANDARD_WEEK = (8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0)
ZERO = [0.0]


@dataclass
class Calendar:
    """One resource's days (or the standard calendar's) over [start, start + len(hours))."""

    start: int  # day number (date.toordinal) of hours[0]
    hours: list[float]  # capacity of each day
    _counted: list[int] | None = None  # working days before each day (for working_days)

    def working_days(self, s: int, e: int) -> int:
        """The days of [s, e] with capacity above 0 (s and e within the calendar)."""
        if self._counted is None:
            self._counted = [0, *accumulate(map(bool, self.hours))]
        c = self._counted
        return c[e - self.start + 1] - c[s - self.start]


def calendar(
    first: int,
    last: int,
    week: Sequence[float],
    factor: float,
    employment: tuple[date | None, date | None],
    holidays: Iterable[int],
    time_off: Iterable[tuple[int, int, float | None]],
) -> Calendar:
    """The capacity of each day of [first, last] (day numbers): the weekly pattern, then the
    partial days off, then the days that are shut (whole days off, holidays, outside
    employment) set to 0 by slices."""
    n = last - first + 1
    wd0 = date.fromordinal(first).weekday()
    pattern = [float(week[(wd0 + i) % 7]) * factor for i in range(7)]
    hours = (pattern * (n // 7 + 1))[:n]
    shut: list[tuple[int, int]] = []
    off: dict[int, float] = {}
    for s, e, each in time_off:
        lo, hi = max(s, first) - first, min(e, last) - first + 1
        if lo >= hi:
            continue
        if each is None:
            shut.append((lo, hi))
        else:
            for i in range(lo, hi):
                off[i] = off.get(i, 0.0) + each
    for i, less in off.items():
        left = float(week[(wd0 + i) % 7]) - less
        hours[i] = left * factor if left > 0 else 0.0
    shut += [(d - first, d - first + 1) for d in holidays if first <= d <= last]
    start, end = employment
    if start is not None and start.toordinal() > first:
        shut.append((0, min(start.toordinal() - first, n)))
    if end is not None and end.toordinal() < last:
        shut.append((max(end.toordinal() + 1 - first, 0), n))
    for lo, hi in shut:
        if lo < hi:
            hours[lo:hi] = ZERO * (hi - lo)
    return Calendar(first, hours)


# A booking allocation: its first and last day numbers, mode and amount (a plain tuple: tens of
# thousands are made per request).
Booking = tuple[int, int, str, float]


@dataclass
class Periods:
    """The window [first, last] cut into periods: index ranges of its days."""

    first: int
    starts: list[int]  # each period's first day number (the first one is `first`)
    cuts: list[int] = field(default_factory=list)  # day indexes where each period starts, + end

    @classmethod
    def of(cls, first: date, last: date, grain: str) -> Periods:
        starts, d = [first.toordinal()], first + timedelta(days=1)
        while d <= last:
            if (
                grain == "day"
                or (grain == "week" and d.weekday() == 0)
                or (grain == "month" and d.day == 1)
            ):
                starts.append(d.toordinal())
            d += timedelta(days=1)
        f = first.toordinal()
        return cls(f, starts, [s - f for s in starts] + [last.toordinal() - f + 1])

    def sums(self, days: Sequence[float]) -> array[float]:
        """The sum of `days` (one per day of the window) over each period: prefix sums read at
        the cuts, every step a C loop."""
        at = itemgetter(*self.cuts)(list(accumulate(days, initial=0.0)))
        return array("d", map(sub, at[1:], at[:-1]))

    def start_of(self, i: int) -> date:
        """The first day of period `i` within the window."""
        return date.fromordinal(self.starts[i])

    def end_of(self, i: int) -> date:
        """The last day of period `i` within the window."""
        return date.fromordinal(self.first + self.cuts[i + 1] - 1)

    def touched(self, lo: int, hi: int) -> range:
        """The indexes of the periods that days [lo, hi) of the window fall in."""
        c = self.cuts
        a = _period_index(c, lo)
        b = _period_index(c, hi - 1)
        return range(a, b + 1)


def _period_index(cuts: list[int], i: int) -> int:
    return bisect_right(cuts, i) - 1


def booked_days(
    window: Calendar, bookings: Iterable[tuple[Booking, int]], first: int, last: int
) -> list[float]:
    """The hours `bookings` (each with its working days, for `total_hours`) book on each day of
    [first, last], on the calendar `window` (which starts at `first`)."""
    m = last - first + 1
    rate = [0.0] * (m + 1)  # hours a working day (hours_per_day, total_hours)
    share = [0.0] * (m + 1)  # share of the day's capacity (percent)
    rated = shared = False
    for (s, e, mode, amount), working in bookings:
        # Clipped to the window (conditionals: a third of the cost of max() and min() calls).
        lo = s - first if s > first else 0
        hi = m if e >= last else e - first + 1
        if lo >= hi:
            continue
        if mode == "percent":
            target, value, shared = share, amount / 100.0, True
        elif mode == "hours_per_day":
            target, value, rated = rate, amount, True
        else:
            if working <= 0:
                continue
            target, value, rated = rate, amount / working, True
        target[lo] += value
        target[hi] -= value
    cap = window.hours[first - window.start : last - window.start + 1]
    # A rate books on working days only: x 1 on those, x 0 on the others (capacity is never
    # below 0); every step a C loop (map over operator functions), not a Python one, and the
    # one of a kind of booking the group has none of skipped (adding 0.0 changes nothing).
    on = cast(Iterable[float], map(bool, cap))  # True x rate == rate
    if not shared:
        return list(map(mul, accumulate(rate), on))
    if not rated:
        return list(map(mul, accumulate(share), cap))
    return list(map(add, map(mul, accumulate(rate), on), map(mul, accumulate(share), cap)))


def add_into(total: array[float] | None, more: array[float]) -> array[float]:
    """`total` + `more`, element by element (a new array when `total` is None)."""
    if total is None:
        return array("d", more)
    return array("d", map(add, total, more))


def zeros(n: int) -> array[float]:
    return array("d", repeat(0.0, n))


def standard_calendar(first: int, last: int, holidays: Iterable[int]) -> Calendar:
    return calendar(first, last, STANDARD_WEEK, 1.0, (None, None), holidays, ())


def span_of(first: int, last: int, bookings: Iterable[Booking]) -> tuple[int, int]:
    """The days a calendar must cover: the window, and the whole span of every `total_hours`
    booking (its working days are counted over all of it)."""
    lo, hi = first, last
    for s, e, mode, _ in bookings:
        if mode == "total_hours":
            if s < lo:
                lo = s
            if e > hi:
                hi = e
    return lo, hi
