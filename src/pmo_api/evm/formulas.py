"""Earned value, CONTRACT §4, as pure functions: no I/O, exact arithmetic.

Money is in integer cents and intermediate values are exact fractions, so a figure is rounded
once, at the edge (cents half-even, ratios to 4 decimals). The SQL-backed service computes the
inputs (budget lines, milestone weights, latest progress, actual cost as of `t`) in the
database and calls these functions; they are the single definition of every formula.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

Number = Fraction | int


@dataclass(frozen=True)
class MonthlyBudget:
    """One month of the time-phased baseline: `month` is its first day; `amount` in cents."""

    month: date
    amount: int


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


class PlanCurve:
    """Cumulative planned value of a monthly baseline: each month counts in proportion to its
    days elapsed by `t` (a month ending on or before `t` whole, one starting after `t` not at
    all). Built once, it answers PV at any date in O(log months), which earned schedule's search
    over the days of the plan needs."""

    def __init__(self, baseline: Sequence[MonthlyBudget]) -> None:
        amounts: dict[date, int] = {}
        for line in baseline:
            amounts[line.month] = amounts.get(line.month, 0) + line.amount
        self.months = sorted(amounts)
        self.amounts = [amounts[m] for m in self.months]
        self.before: list[int] = []  # the whole months before each month
        total = 0
        for amount in self.amounts:
            self.before.append(total)
            total += amount

    def at(self, t: date) -> Fraction:
        i = bisect.bisect_right(self.months, t) - 1  # the last month starting on or before t
        if i < 0:
            return Fraction(0)
        last = month_end(self.months[i])
        if last <= t:
            return Fraction(self.before[i] + self.amounts[i])
        return self.before[i] + Fraction(self.amounts[i] * t.day, last.day)


def _even_spread(t: date, bac: int, start: date | None, finish: date | None) -> Fraction:
    if start is None or finish is None or t < start:
        return Fraction(0)
    duration = (finish - start).days + 1
    elapsed = min((t - start).days + 1, duration)
    return Fraction(bac * elapsed, duration)


def planned_value(
    t: date,
    *,
    bac: int,
    start: date | None,
    finish: date | None,
    baseline: Sequence[MonthlyBudget] = (),
) -> Fraction:
    """PV as of `t` (inclusive), in cents: by the monthly baseline when there is one (see
    PlanCurve), else BAC spread evenly over the days from `start` to `finish`, both inclusive;
    no plan dates, no planned value."""
    if baseline:
        return PlanCurve(baseline).at(t)
    return _even_spread(t, bac, start, finish)


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

    curve = PlanCurve(baseline) if baseline else None

    def pv_by_day(day: int) -> Fraction:  # PV at the end of day `day`; day 0 is before start
        if day <= 0:
            return Fraction(0)
        t = start + timedelta(days=day - 1)
        return curve.at(t) if curve else _even_spread(t, bac, start, finish)

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


Rational = tuple[int, int]  # (numerator, denominator > 0): exact, without Fraction's cost

# The figures of CONTRACT §4, in the order the API shows them.
FIGURES = (
    "bac",
    "pv",
    "ev",
    "ac",
    "cv",
    "sv",
    "cv_percent",
    "sv_percent",
    "cpi",
    "spi",
    "eac",
    "eac_atypical",
    "eac_composite",
    "etc",
    "vac",
    "tcpi",
    "percent_complete",
    "percent_spent",
)


def figures(
    *, bac: Number, pv: Number | Rational, ev: Number | Rational, ac: Number
) -> dict[str, float | None]:
    """Every figure from BAC, PV, EV and AC in cents (a project's, or a portfolio's sums),
    computed exactly and rounded once: money to cents, ratios and percents to 4 decimals, both
    half to even. Any division by zero gives None.

    Integer arithmetic over a common denominator, not Fractions, and the rounding written
    inline: a portfolio computes this for each of thousands of projects per request."""
    b_n, b_d = _rational(bac)
    p_n, p_d = _rational(pv)
    e_n, e_d = _rational(ev)
    a_n, a_d = _rational(ac)
    d = b_d * p_d * e_d * a_d  # every value as an integer over d > 0
    b = b_n * (d // b_d)
    p = p_n * (d // p_d)
    e = e_n * (d // e_d)
    a = a_n * (d // a_d)
    r = _round  # n / d rounded half to even, d > 0
    ab = a - b
    ea = e - a
    ep = e - p
    eac = etc = vac = composite = None
    if e and a:  # cpi defined and non-zero
        # eac = bac / cpi = b*a / e; etc = eac - ac; vac = bac - eac (all over d)
        ed = e * d  # EV is never negative (BAC, weights and percents are not): ed > 0
        eac = _divide_half_even(b * a, ed) / 100
        etc = _divide_half_even(a * (b - e), ed) / 100
        vac = _divide_half_even(b * ea, ed) / 100
        if p:
            # eac_composite = ac + (bac - ev) / (cpi*spi) = a/d + (b - e)*a*p / (e*e*d)
            composite = r(a * e * e + (b - e) * a * p, e * e * d) / 100
    return {
        "bac": r(b, d) / 100,
        "pv": r(p, d) / 100,
        "ev": r(e, d) / 100,
        "ac": r(a, d) / 100,
        "cv": r(ea, d) / 100,
        "sv": r(ep, d) / 100,
        "cv_percent": _ratio(ea * 100, e),
        "sv_percent": _ratio(ep * 100, p),
        "cpi": _ratio(e, a),
        "spi": _ratio(e, p),
        "eac": eac,
        "eac_atypical": r(a + b - e, d) / 100,
        "eac_composite": composite,
        "etc": etc,
        "vac": vac,
        "tcpi": _ratio(b - e, -ab),
        "percent_complete": _ratio(e * 100, b),
        "percent_spent": _ratio(a * 100, b),
    }


def _rational(value: Number | Rational) -> Rational:
    if value.__class__ is tuple:
        return value
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    return int(value), 1  # type: ignore[arg-type]


def _round(numerator: int, denominator: int) -> int:
    """numerator / denominator (> 0) rounded to an integer, half to even; exact."""
    quotient, remainder = divmod(numerator, denominator)
    twice = remainder + remainder
    return quotient + (twice > denominator or (twice == denominator and quotient & 1))


def _divide_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to an integer, half to even (exact, any signs)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return _round(numerator, denominator)


def _ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator to 4 decimals, half to even; None when undefined."""
    if denominator == 0:
        return None
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return _round(numerator * 10_000, denominator) / 10_000


def rounded_ratio(value: Fraction | None) -> float | None:
    """A ratio (or day count) rounded to 4 decimals, half to even; None stays None."""
    return None if value is None else _ratio(value.numerator, value.denominator)


def rounded_cents(value: Fraction) -> int:
    """An exact amount in cents rounded to whole cents, half to even."""
    return _divide_half_even(value.numerator, value.denominator)


def _round_half_even(value: Fraction) -> int:
    return round(value)  # exact for a Fraction, halves to even
