"""Earned value, CONTRACT §4, as pure functions: no I/O, exact arithmetic.

Money is in integer cents and intermediate values are exact fractions, so a figure is rounded
once, at the edge (cents half-even, ratios to 4 decimals). The SQL-backed service computes the
inputs (budget lines, milestone weights, latest progress, actual cost as of `t`) in the
database and calls these functions; they are the single definition of every formula.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

Number = Fraction | int


@dataclass(frozen=True)
class MonthlyBudget:
    """One month of the time-phased baseline: `month` is its first day; `amount` in cents."""

    month: date
    amount: int


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def planned_value(
    t: date,
    *,
    bac: int,
    start: date | None,
    finish: date | None,
    baseline: Sequence[MonthlyBudget] = (),
) -> Fraction:
    """PV as of `t` (inclusive), in cents.

    With a baseline: each month counts in proportion to its days elapsed by `t` (a month ending
    on or before `t` whole, one starting after `t` not at all). Without one: BAC spread evenly
    over the days from `start` to `finish`, both inclusive; no plan dates, no planned value.
    """
    if baseline:
        total = Fraction(0)
        for line in baseline:
            last = month_end(line.month)
            if last <= t:
                total += line.amount
            elif line.month <= t:
                total += Fraction(line.amount * t.day, last.day)
        return total
    if start is None or finish is None or t < start:
        return Fraction(0)
    duration = (finish - start).days + 1
    elapsed = min((t - start).days + 1, duration)
    return Fraction(bac * elapsed, duration)


def earned_value_milestones(
    bac: int, *, completed_weight: Number, total_weight: Number
) -> Fraction:
    """BAC * (weights of milestones completed by t) / (all weights); no milestones → 0."""
    if not total_weight:
        return Fraction(0)
    return Fraction(bac) * Fraction(completed_weight) / Fraction(total_weight)


def earned_value_percent(bac: int, percent_complete: Number | None) -> Fraction:
    """BAC * the latest percent complete as of t / 100; none recorded → 0."""
    if percent_complete is None:
        return Fraction(0)
    return Fraction(bac) * Fraction(percent_complete) / 100


def _div(numerator: Number, denominator: Number) -> Fraction | None:
    return None if denominator == 0 else Fraction(numerator) / Fraction(denominator)


@dataclass(frozen=True)
class EarnedSchedule:
    at_days: int
    es_days: Fraction
    spi_t: Fraction | None
    sv_t_days: Fraction
    forecast_finish: date | None


def earned_schedule(
    t: date,
    ev: Fraction,
    *,
    bac: int,
    start: date,
    finish: date,
    baseline: Sequence[MonthlyBudget] = (),
) -> EarnedSchedule:
    """Earned schedule in days from `start` (day 1 = start). ES is the day at which the PV curve
    reaches EV, linear within a day's step, capped at the planned duration."""
    duration = (finish - start).days + 1
    at_days = (t - start).days + 1

    def pv_by_day(day: int) -> Fraction:  # PV at the end of day `day`; day 0 is before start
        if day <= 0:
            return Fraction(0)
        return planned_value(
            start + timedelta(days=day - 1), bac=bac, start=start, finish=finish, baseline=baseline
        )

    if ev >= pv_by_day(duration):
        es_days = Fraction(duration)
    else:
        # The first day whose PV reaches EV (PV never decreases: binary search).
        low, high = 0, duration
        while high - low > 1:
            middle = (low + high) // 2
            if pv_by_day(middle) >= ev:
                high = middle
            else:
                low = middle
        if ev <= 0:
            es_days = Fraction(0)
        else:
            before, after = pv_by_day(high - 1), pv_by_day(high)
            step = after - before
            es_days = Fraction(high - 1) + ((ev - before) / step if step else Fraction(0))
    spi_t = _div(es_days, at_days) if at_days > 0 else None
    forecast = None
    if spi_t:
        try:
            forecast = start + timedelta(days=_round_half_even(duration / spi_t) - 1)
        except OverflowError:
            forecast = None  # a schedule index so small that the forecast is past year 9999
    return EarnedSchedule(at_days, es_days, spi_t, es_days - at_days, forecast)


@dataclass(frozen=True)
class EvmFigures:
    """Exact figures; `money()` and `ratio()` round them for the API."""

    bac: Fraction
    pv: Fraction
    ev: Fraction
    ac: Fraction
    cv: Fraction
    sv: Fraction
    cv_percent: Fraction | None
    sv_percent: Fraction | None
    cpi: Fraction | None
    spi: Fraction | None
    eac: Fraction | None
    eac_atypical: Fraction
    eac_composite: Fraction | None
    etc: Fraction | None
    vac: Fraction | None
    tcpi: Fraction | None
    percent_complete: Fraction | None
    percent_spent: Fraction | None


def figures(*, bac: Number, pv: Number, ev: Number, ac: Number) -> EvmFigures:
    """Every index from BAC, PV, EV and AC (a project's, or a portfolio's sums); any division
    by zero gives None."""
    bac_, pv_, ev_, ac_ = Fraction(bac), Fraction(pv), Fraction(ev), Fraction(ac)
    cpi = _div(ev_, ac_)
    spi = _div(ev_, pv_)
    eac = _div(bac_, cpi) if cpi else None
    cpi_spi = cpi * spi if cpi is not None and spi is not None else None
    eac_composite = ac_ + (bac_ - ev_) / cpi_spi if cpi_spi else None
    return EvmFigures(
        bac=bac_,
        pv=pv_,
        ev=ev_,
        ac=ac_,
        cv=ev_ - ac_,
        sv=ev_ - pv_,
        cv_percent=_percent(ev_ - ac_, ev_),
        sv_percent=_percent(ev_ - pv_, pv_),
        cpi=cpi,
        spi=spi,
        eac=eac,
        eac_atypical=ac_ + bac_ - ev_,
        eac_composite=eac_composite,
        etc=None if eac is None else eac - ac_,
        vac=None if eac is None else bac_ - eac,
        tcpi=_div(bac_ - ev_, bac_ - ac_),
        percent_complete=_percent(ev_, bac_),
        percent_spent=_percent(ac_, bac_),
    )


def _percent(part: Fraction, whole: Fraction) -> Fraction | None:
    quotient = _div(part, whole)
    return None if quotient is None else quotient * 100


def _round_half_even(value: Fraction) -> int:
    return round(value)  # exact for a Fraction, halves to even


def money(cents: Fraction | None) -> Decimal | None:
    """Cents → an amount with 2 decimals (half-even), for the API."""
    if cents is None:
        return None
    amount = Decimal(cents.numerator) / Decimal(cents.denominator) / 100
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def ratio(value: Fraction | None) -> Decimal | None:
    """A ratio rounded to 4 decimals (half-even); None stays None (never Infinity or NaN)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
