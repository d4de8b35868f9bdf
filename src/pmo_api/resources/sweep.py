"""Resource calendars as intervals, never as days: the building blocks of the capacity view
(resources/capacity.py) and the over-allocation list (resources/over_allocation.py).

A *timeline* is a partition of rows (`rid`: a resource, or NULL for the standard calendar of
role-only demand; `g`: what the rows are summed under) made of *events* at day numbers
(`n`, as `date.toordinal()`): each event adds to counters that hold from its day on (`shut`
outside employment, on a holiday or a whole day off, `off` partial hours off in micro-hours,
the hours `wd_rate` booked per working day and `cap_rate` per capacity hour, `active`
allocations) or marks the start of a period (`mark`). A sweep (window functions)
turns the events into *segments* [a, b] over which every input is constant; within a segment
a day's capacity depends on its weekday only, so the days of each weekday are counted in
closed form (the number of Mondays in [a, b] ...) rather than generated. Capacity and booked
hours are exactly availability.py's day-by-day rules (its docstring), summed per segment.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, literal_column, or_, select, true
from sqlalchemy.sql import Select

from pmo_api.db.sqlfuncs import day_number
from pmo_api.resources.models import WEEKDAYS, holidays, resources, time_off

# The calendar of role-only demand: 8 hours Monday to Friday (capacity.STANDARD_DAY).
STANDARD_WEEK = (8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0)
MICRO = 1_000_000  # partial time off is summed in integer micro-hours: no float residue
COUNTERS = ("shut", "off", "active")
RATES = ("wd_rate", "cap_rate")
# The organisation's holidays as day numbers, computed once per statement.
HOLIDAY_DAYS = select(day_number(holidays.c.day).label("n")).cte("holiday_days")


def number(n: int) -> Any:
    """An integer inlined in the statement (day numbers the planner can see)."""
    return literal_column(str(int(n)), Integer)


def zero(kind: str) -> Any:
    return cast(literal_column("0"), Float) if kind in RATES else literal_column("0", Integer)


def clip(n: Any, lo: Any, hi: Any) -> Any:
    """n within [lo, hi]: an event before a timeline's start holds from its start."""
    return case((n < lo, lo), (n > hi, hi), else_=n)


def event(rid: Any, g: Any, n: Any, **values: Any) -> list[Any]:
    """The columns of one event: where, when, and what it adds (0 to every counter unnamed)."""
    columns = [rid.label("rid"), g.label("g"), n.label("n")]
    for name in ("supply", "mark", *COUNTERS, *RATES):
        value = values.get(name)
        columns.append((zero(name) if value is None else value).label(name))
    return columns


def calendar_events(rid: Any, g: Any, lo: Any, hi: Any, source: Any) -> list[Select[Any]]:
    """The events of a resource's calendar on the timeline [lo, hi] (`hi` the day after its
    last): employment, time off and holidays. `source` is the selectable the timelines come
    from (its `rid`, `g`, and the bounds `lo`/`hi` may be its columns)."""
    one = literal_column("1", Integer)
    start = day_number(resources.c.employment_start)
    end = day_number(resources.c.employment_end) + 1
    hired = source.join(resources, resources.c.id == rid)
    off_hours = cast(func.round(time_off.c.hours_per_day * MICRO), Integer)
    whole = case((time_off.c.hours_per_day.is_(None), 1), else_=0)
    partial = case((time_off.c.hours_per_day.is_(None), 0), else_=off_hours)
    away_from, away_to = day_number(time_off.c.start_date), day_number(time_off.c.end_date) + 1
    in_range = and_(away_from < hi, away_to > lo)
    holiday = HOLIDAY_DAYS.c.n
    return [
        # Before employment starts: away from the timeline's start until then.
        select(*event(rid, g, lo, shut=one))
        .select_from(hired)
        .where(resources.c.employment_start.is_not(None)),
        select(*event(rid, g, clip(start, lo, hi), shut=-one))
        .select_from(hired)
        .where(resources.c.employment_start.is_not(None)),
        select(*event(rid, g, clip(end, lo, hi), shut=one))
        .select_from(hired)
        .where(resources.c.employment_end.is_not(None)),
        select(*event(rid, g, clip(away_from, lo, hi), shut=whole, off=partial))
        .select_from(source.join(time_off, time_off.c.resource_id == rid))
        .where(in_range),
        select(*event(rid, g, clip(away_to, lo, hi), shut=-whole, off=-partial))
        .select_from(source.join(time_off, time_off.c.resource_id == rid))
        .where(in_range),
        select(*event(rid, g, holiday, shut=one)).select_from(
            source.join(HOLIDAY_DAYS, and_(holiday >= lo, holiday < hi))
        ),
        select(*event(rid, g, holiday + 1, shut=-one)).select_from(
            source.join(HOLIDAY_DAYS, and_(holiday >= lo, holiday < hi))
        ),
    ]


def segments(events: Any, name: str) -> Any:
    """The sweep: per timeline (rid, g) in day order, each day an event falls on starts a
    segment [a, b] that lasts until the next such day, with the counters' running totals
    (all events of a day included), `supply` of the timeline (its first event says) and `p`
    the last period start at or before `a`. Events of the same day give empty segments
    (b < a) but the last; the last event, the day after the timeline, starts none."""
    ev = events.subquery(f"{name}_events")
    window: dict[str, Any] = {"partition_by": (ev.c.rid, ev.c.g), "order_by": ev.c.n}
    return select(
        ev.c.rid,
        ev.c.g,
        ev.c.n.label("a"),
        (func.lead(ev.c.n).over(**window) - 1).label("b"),
        func.max(ev.c.supply).over(**window).label("supply"),
        func.max(case((ev.c.mark > 0, ev.c.n))).over(**window).label("p"),
        *(func.sum(ev.c[c]).over(**window).label(c) for c in (*COUNTERS, *RATES)),
    ).subquery(f"{name}_runs")


def _week() -> Any:
    """Each resource's hours per weekday and factor, with the working days and capacity of a
    whole week without time off (the common segment, computed once per resource)."""
    r = resources
    factor = r.c.availability_factor
    days = [case((and_(r.c[f"hours_{d}"] > 0, factor > 0), 1), else_=0) for d in WEEKDAYS]
    hours = [case((r.c[f"hours_{d}"] > 0, r.c[f"hours_{d}"] * factor), else_=0.0) for d in WEEKDAYS]
    return select(
        r.c.id,
        *(r.c[f"hours_{d}"] for d in WEEKDAYS),
        factor,
        sum_of(days).label("week_wd"),
        cast(sum_of(hours), Float).label("week_cap"),
    ).cte("working_weeks")


def weekdays(seg: Any, name: str, *, each: bool = False, where: Any = None) -> Any:
    """Each segment that holds days, with its working days `wd` (capacity above 0) and its
    capacity `cap`, counted per weekday: a weekday's days in [a, b] in closed form, times a
    day's capacity that weekday: the resource's (or the standard) hours less the partial time
    off, times the factor; 0 when shut (outside employment, a holiday, a whole day off) or
    below 0 (with `each`, also that capacity per weekday, `c0` Monday ... `c6` Sunday). A
    shut segment and a whole week without partial time off skip the count. Only the segments
    `where` (a condition on `seg`) says are needed, when given. A barrier (OFFSET 0) keeps
    PostgreSQL from computing them again per use."""
    r = WEEK
    shut = seg.c.shut > 0
    off = cast(seg.c.off, Float) / float(MICRO)
    factor = func.coalesce(r.c.availability_factor, 1.0)
    wd, cap, day_capacity = [], [], []
    for w, day in enumerate(WEEKDAYS):
        left = func.coalesce(r.c[f"hours_{day}"], STANDARD_WEEK[w]) - off
        # Days d in [a, b] with (d - 1) % 7 == w (day 1, 0001-01-01, is a Monday).
        count = _div7(seg.c.b - (1 + w)) - _div7(seg.c.a - (2 + w))
        wd.append(case((or_(left <= 0, factor <= 0), 0), else_=count))
        cap.append(case((left <= 0, 0.0), else_=count * left * factor))
        if each:
            daily = case((or_(shut, left <= 0), 0.0), else_=left * factor)
            day_capacity.append(cast(daily, Float).label(f"c{w}"))
    whole_week = and_(seg.c.off == 0, seg.c.b - seg.c.a == 6)
    standard = (sum(1 for h in STANDARD_WEEK if h > 0), sum(STANDARD_WEEK))
    working = case(
        (shut, 0),
        (whole_week, func.coalesce(r.c.week_wd, standard[0])),
        else_=sum_of(wd),
    )
    hours = case(
        (shut, 0.0),
        (whole_week, func.coalesce(r.c.week_cap, standard[1])),
        else_=sum_of(cap),
    )
    return (
        select(seg, working.label("wd"), cast(hours, Float).label("cap"), *day_capacity)
        .select_from(seg.outerjoin(r, r.c.id == seg.c.rid))
        .where(seg.c.b >= seg.c.a, true() if where is None else where)
        .offset(0)
        .subquery(f"{name}_days")
    )


def sum_of(terms: list[Any]) -> Any:
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _div7(n: Any) -> Any:
    return n.self_group().op("/", precedence=100, return_type=Integer)(literal_column("7"))


def working_days(days: Any) -> Any:
    """The days of a segment whose capacity is above 0 (availability's working days)."""
    return days.c.wd


def capacity_hours(days: Any) -> Any:
    """The capacity of a segment: its days' capacity summed."""
    return days.c.cap


def booked_hours(days: Any) -> Any:
    """The hours the allocations active over a segment book in it: a rate per working day
    (`hours_per_day`, `total_hours`) and a share of each capacity hour (`percent`)."""
    return case(
        (
            days.c.active > 0,
            days.c.wd_rate * working_days(days) + days.c.cap_rate * capacity_hours(days),
        ),
        else_=0.0,
    )


WEEK = _week()
