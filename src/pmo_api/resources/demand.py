"""Allocations on resource timelines (resources/sweep.py): which book, the working days each
`total_hours` allocation spreads over, and the events that put their hours on a timeline.

An allocation books (not rejected, on one of the projects `live` names) from its first to its
last day: `hours_per_day` its amount on each working day, `percent` that share of each day's
capacity, `total_hours` its amount over the number of its working days (computed once per
allocation over its whole span, on its resource's calendar or the standard one of role-only
demand). Capacity and working days are availability.py's."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, literal_column, select, union_all

from pmo_api.db.sqlfuncs import day_number
from pmo_api.resources import sweep
from pmo_api.resources.availability import BOOKING
from pmo_api.resources.models import AllocationMode, allocations


def booked(
    live: Any, first: date, last: date, g: Any, unfilled_g: Any, *, named_only: bool = False
) -> Any:
    """(id, rid, g, s, e, mode, amount) of each booking allocation overlapping [first, last]:
    `rid` its resource (NULL: role-only), `g` what it is summed under (`g` for one of a
    resource, `unfilled_g` for a role-only one), `s` and `e` its first and last day numbers."""
    a = allocations
    rid = a.c.resource_id
    where = [
        a.c.status.in_(BOOKING),
        a.c.project_id.in_(live),
        a.c.start_date <= last,
        a.c.end_date >= first,
    ]
    if named_only:
        where.append(rid.is_not(None))
    return (
        select(
            a.c.id,
            rid.label("rid"),
            case((rid.is_(None), unfilled_g), else_=g).label("g"),
            day_number(a.c.start_date).label("s"),
            day_number(a.c.end_date).label("e"),
            a.c.mode,
            a.c.amount,
        )
        .where(*where)
        .cte("booked")
    )


def spread(booked: Any) -> Any:
    """(id, days): the working days of each `total_hours` allocation over its whole span, one
    timeline per allocation."""
    t = (
        select(booked.c.id, booked.c.rid, booked.c.s, booked.c.e)
        .where(booked.c.mode == AllocationMode.TOTAL_HOURS)
        .cte("spread_of")
    )
    hi = t.c.e + 1
    parts = [
        select(*sweep.event(t.c.rid, t.c.id, t.c.s)),
        select(*sweep.event(t.c.rid, t.c.id, hi)),
        *sweep.calendar_events(t.c.rid, t.c.id, t.c.s, hi, t),
    ]
    seg = sweep.segments(union_all(*parts), "spread")
    days = sweep.weekdays(seg, "spread")
    return (
        select(days.c.g.label("id"), func.sum(sweep.working_days(days)).label("days"))
        .group_by(days.c.g)
        .cte("spread")
    )


def events(booked: Any, lo: int, hi: int) -> list[Any]:
    """Each booking allocation's start and end on its timeline (rid, g) of [lo, hi): the rates
    it books at and one more active allocation."""
    widths = spread(booked)
    mode, amount = booked.c.mode, booked.c.amount
    per_day = case(
        (mode == AllocationMode.HOURS_PER_DAY, amount),
        (
            and_(mode == AllocationMode.TOTAL_HOURS, widths.c.days > 0),
            amount / cast(widths.c.days, Float),
        ),
        else_=0.0,
    )
    share = case((mode == AllocationMode.PERCENT, amount / 100.0), else_=0.0)
    source = booked.outerjoin(widths, widths.c.id == booked.c.id)
    one = literal_column("1", Integer)
    low, high = sweep.number(lo), sweep.number(hi)
    start = sweep.clip(booked.c.s, low, high)
    end = sweep.clip(booked.c.e + 1, low, high)
    rates = {"wd_rate": cast(per_day, Float), "cap_rate": cast(share, Float)}
    minus = {k: -v for k, v in rates.items()}
    return [
        select(*sweep.event(booked.c.rid, booked.c.g, start, active=one, **rates)).select_from(
            source
        ),
        select(*sweep.event(booked.c.rid, booked.c.g, end, active=-one, **minus)).select_from(
            source
        ),
    ]
