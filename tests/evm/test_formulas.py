"""The earned-value formulas of CONTRACT §4 (evm/formulas.py) against examples worked by hand,
edge cases, and properties over random projects."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from pmo_api.evm.formulas import (
    MonthlyBudget,
    earned_schedule,
    earned_value_milestones,
    earned_value_percent,
    figures,
    month_end,
    planned_value,
    rounded_ratio,
)

START, FINISH = date(2026, 1, 1), date(2026, 1, 10)  # 10 planned days
BAC = 100_000  # 1,000.00 in cents


class TestWorkedExampleEvenSpread:
    """BAC 1,000.00 over 1-10 Jan (100.00 a day); milestones weighted 1, 1, 2, the first done
    by 4 Jan; 300.00 spent by then."""

    t = date(2026, 1, 4)

    def test_planned_value_counts_whole_days_inclusive(self) -> None:
        # 4 of 10 days elapsed (1, 2, 3, 4 Jan): 1,000.00 * 4/10 = 400.00
        assert planned_value(self.t, bac=BAC, start=START, finish=FINISH) == 40_000

    def test_every_index(self) -> None:
        ev = earned_value_milestones(BAC, completed_weight=1, total_weight=4)  # 1000 * 1/4
        f = figures(bac=BAC, pv=40_000, ev=ev, ac=30_000)
        assert f["ev"] == 250.00
        assert f["cv"] == -50.00  # 250 - 300
        assert f["sv"] == -150.00  # 250 - 400
        assert f["cv_percent"] == -20.0000  # -50 / 250 * 100
        assert f["sv_percent"] == -37.5000  # -150 / 400 * 100
        assert f["cpi"] == 0.8333  # 250 / 300
        assert f["spi"] == 0.6250  # 250 / 400
        assert f["eac"] == 1200.00  # 1000 / (250/300)
        assert f["etc"] == 900.00  # 1200 - 300
        assert f["vac"] == -200.00  # 1000 - 1200
        assert f["tcpi"] == 1.0714  # (1000 - 250) / (1000 - 300) = 750/700
        assert f["eac_atypical"] == 1050.00  # 300 + 1000 - 250
        # 300 + 750 / (5/6 * 5/8) = 300 + 750 * 48/25 = 300 + 1440
        assert f["eac_composite"] == 1740.00
        assert f["percent_complete"] == 25.0000
        assert f["percent_spent"] == 30.0000

    def test_earned_schedule(self) -> None:
        # PV reaches 200 at the end of day 2 and 300 at day 3: EV 250 lies halfway → ES 2.5;
        # AT = 4; SPI(t) = 2.5/4 = 0.625; SV(t) = -1.5 days;
        # forecast = 1 Jan + round(10 / 0.625) - 1 day = 1 Jan + 15 days = 16 Jan
        es = earned_schedule(self.t, Fraction(25_000), bac=BAC, start=START, finish=FINISH)
        assert es.at_days == 4
        assert es.es_days == Fraction(5, 2)
        assert rounded_ratio(es.spi_t) == 0.6250
        assert es.sv_t_days == Fraction(-3, 2)
        assert es.forecast_finish == date(2026, 1, 16)


class TestBaselineByMonth:
    """3,100.00 planned in January (31 days), 2,800.00 in February (28 days)."""

    baseline = (
        MonthlyBudget(date(2026, 1, 1), 310_000),
        MonthlyBudget(date(2026, 2, 1), 280_000),
    )

    def pv(self, t: date) -> Fraction:
        return planned_value(t, bac=0, start=None, finish=None, baseline=self.baseline)

    def test_a_month_counts_in_proportion_to_its_days_elapsed(self) -> None:
        assert self.pv(date(2026, 1, 10)) == 100_000  # 3100 * 10/31 = 1,000.00
        assert self.pv(date(2026, 2, 14)) == 450_000  # 3100 + 2800 * 14/28 = 4,500.00

    def test_before_the_baseline_nothing_after_it_everything(self) -> None:
        assert self.pv(date(2025, 12, 31)) == 0
        assert self.pv(date(2026, 2, 28)) == 590_000  # a month ending on t counts whole
        assert self.pv(date(2027, 6, 1)) == 590_000

    def test_a_baseline_starting_mid_year_ignores_the_plan_dates(self) -> None:
        line = (MonthlyBudget(date(2026, 7, 1), 31_000),)
        pv = planned_value(
            date(2026, 7, 1),
            bac=999,
            start=date(2026, 1, 1),
            finish=date(2026, 1, 2),
            baseline=line,
        )
        assert pv == 1_000  # 310.00 * 1/31 = 10.00


class TestEdgeCases:
    def test_zero_actual_cost_leaves_cost_indices_undefined(self) -> None:
        f = figures(bac=BAC, pv=40_000, ev=25_000, ac=0)
        assert tuple(f[k] for k in ("cpi", "eac", "etc", "vac", "eac_composite")) == (
            None,
            None,
            None,
            None,
            None,
        )
        assert f["tcpi"] == 0.7500  # (1000 - 250) / 1000
        assert f["spi"] == 0.6250

    def test_zero_budget_leaves_percentages_undefined(self) -> None:
        f = figures(bac=0, pv=0, ev=0, ac=5_000)
        assert (
            tuple(f[k] for k in ("percent_complete", "percent_spent", "spi", "cv_percent"))
            == (None,) * 4
        )
        assert f["cpi"] == 0.0000

    def test_negative_credits_reduce_actual_cost(self) -> None:
        # 300.00 spent and a 100.00 credit: AC 200.00, CPI 250/200 = 1.25
        f = figures(bac=BAC, pv=40_000, ev=25_000, ac=30_000 - 10_000)
        assert f["cpi"] == 1.2500

    def test_no_plan_dates_and_no_baseline_plan_nothing(self) -> None:
        assert planned_value(date(2026, 5, 1), bac=BAC, start=None, finish=None) == 0

    def test_before_start_and_after_finish(self) -> None:
        assert planned_value(date(2025, 12, 31), bac=BAC, start=START, finish=FINISH) == 0
        assert planned_value(date(2026, 3, 1), bac=BAC, start=START, finish=FINISH) == BAC

    def test_a_project_finished_late_recovers_spi_but_not_spi_t(self) -> None:
        # Every milestone done on 15 Jan, five days late; on 20 Jan EV = PV = BAC so SPI = 1,
        # while ES is capped at the 10 planned days against AT = 20: SPI(t) = 0.5.
        t = date(2026, 1, 20)
        ev = earned_value_milestones(BAC, completed_weight=4, total_weight=4)
        pv = planned_value(t, bac=BAC, start=START, finish=FINISH)
        assert figures(bac=BAC, pv=pv, ev=ev, ac=BAC)["spi"] == 1.0000
        es = earned_schedule(t, ev, bac=BAC, start=START, finish=FINISH)
        assert (es.es_days, es.at_days) == (10, 20)
        assert rounded_ratio(es.spi_t) == 0.5000
        assert es.forecast_finish == date(2026, 1, 20)  # 1 Jan + round(10/0.5) - 1

    def test_percent_complete_method(self) -> None:
        assert earned_value_percent(BAC, 37.5) == 37_500
        assert earned_value_percent(BAC, None) == 0

    def test_no_milestones_earn_nothing(self) -> None:
        assert earned_value_milestones(BAC, completed_weight=0, total_weight=0) == 0

    def test_nothing_earned_has_no_earned_schedule(self) -> None:
        es = earned_schedule(date(2026, 1, 4), Fraction(0), bac=BAC, start=START, finish=FINISH)
        assert (es.es_days, es.spi_t, es.forecast_finish) == (0, 0, None)


plans = st.tuples(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=400),  # extra planned days
    st.integers(min_value=0, max_value=10**11),  # BAC in cents
)


class TestProperties:
    @given(plans, st.integers(min_value=-30, max_value=500))
    def test_planned_value_rises_from_zero_to_bac(
        self, plan: tuple[date, int, int], d: int
    ) -> None:
        start, extra, bac = plan
        finish = start + timedelta(days=extra)
        t = start + timedelta(days=d)
        pv = planned_value(t, bac=bac, start=start, finish=finish)
        later = planned_value(t + timedelta(days=1), bac=bac, start=start, finish=finish)
        assert 0 <= pv <= later <= bac
        assert planned_value(finish, bac=bac, start=start, finish=finish) == bac

    @given(plans, st.integers(min_value=0, max_value=500), st.fractions(0, 1))
    def test_earned_schedule_lands_where_pv_equals_ev(
        self, plan: tuple[date, int, int], d: int, share: Fraction
    ) -> None:
        start, extra, bac = plan
        finish = start + timedelta(days=extra)
        t = start + timedelta(days=d)
        ev = Fraction(bac) * share
        es = earned_schedule(t, ev, bac=bac, start=start, finish=finish)
        duration = extra + 1
        assert 0 <= es.es_days <= duration
        if 0 < ev < bac:
            # PV is linear within a day: interpolate it at ES and find EV again.
            day = int(es.es_days)
            pv_day = Fraction(bac * day, duration)
            pv_next = Fraction(bac * (day + 1), duration)
            assert pv_day + (pv_next - pv_day) * (es.es_days - day) == ev

    @given(
        st.integers(0, 10**11),
        st.integers(0, 10**11),
        st.integers(0, 10**11),
        st.integers(-(10**9), 10**11),
    )
    def test_indices_follow_their_definitions(self, bac: int, pv: int, ev: int, ac: int) -> None:
        # The integer arithmetic of figures() against the definitions in exact fractions.
        f = figures(bac=bac, pv=pv, ev=ev, ac=ac)
        expected = _oracle(Fraction(bac), Fraction(pv), Fraction(ev), Fraction(ac))
        assert f == expected

    @given(
        st.integers(0, 10**11),
        st.tuples(st.integers(0, 10**12), st.integers(1, 10**4)),
        st.tuples(st.integers(0, 10**12), st.integers(1, 10**4)),
        st.integers(-(10**9), 10**11),
    )
    def test_fractional_values_round_once(
        self, bac: int, pv: tuple[int, int], ev: tuple[int, int], ac: int
    ) -> None:
        f = figures(bac=bac, pv=pv, ev=ev, ac=ac)
        assert f == _oracle(Fraction(bac), Fraction(*pv), Fraction(*ev), Fraction(ac))


def _oracle(bac: Fraction, pv: Fraction, ev: Fraction, ac: Fraction) -> dict[str, float | None]:
    """CONTRACT §4 written out in Fractions and rounded with Decimal: an independent check."""

    def div(a: Fraction, b: Fraction) -> Fraction | None:
        return None if b == 0 else a / b

    def rounded(v: Fraction | None, places: str) -> float | None:
        if v is None:
            return None
        # Enough digits for any value these tests make (28, Decimal's default, is not).
        with localcontext() as context:
            context.prec = 200
            exact = Decimal(v.numerator) / Decimal(v.denominator)
            return float(exact.quantize(Decimal(places), rounding=ROUND_HALF_EVEN))

    def money(v: Fraction | None) -> float | None:
        return rounded(None if v is None else v / 100, "0.01")

    def ratio(v: Fraction | None) -> float | None:
        return rounded(v, "0.0001")

    cpi, spi = div(ev, ac), div(ev, pv)
    eac = div(bac, cpi) if cpi else None
    both = cpi * spi if cpi is not None and spi is not None else None
    pct = lambda a, b: None if b == 0 else a / b * 100  # noqa: E731
    return {
        "bac": money(bac),
        "pv": money(pv),
        "ev": money(ev),
        "ac": money(ac),
        "cv": money(ev - ac),
        "sv": money(ev - pv),
        "cv_percent": ratio(pct(ev - ac, ev)),
        "sv_percent": ratio(pct(ev - pv, pv)),
        "cpi": ratio(cpi),
        "spi": ratio(spi),
        "eac": money(eac),
        "eac_atypical": money(ac + bac - ev),
        "eac_composite": money(ac + (bac - ev) / both) if both else None,
        "etc": money(None if eac is None else eac - ac),
        "vac": money(None if eac is None else bac - eac),
        "tcpi": ratio(div(bac - ev, bac - ac)),
        "percent_complete": ratio(pct(ev, bac)),
        "percent_spent": ratio(pct(ac, bac)),
    }


baselines = st.dictionaries(
    st.integers(0, 30).map(lambda n: date(2025 + n // 12, n % 12 + 1, 1)),
    st.integers(0, 10**8),
    min_size=1,
    max_size=12,
)


def _naive_pv(t: date, baseline: dict[date, int]) -> Fraction:
    """§4 read literally: each month whole if it ended by t, by its days elapsed if it contains
    t, else nothing."""
    total = Fraction(0)
    for month, amount in baseline.items():
        last = month_end(month)
        if last <= t:
            total += amount
        elif month <= t:
            total += Fraction(amount * t.day, last.day)
    return total


class TestBaselineCurve:
    @given(baselines, st.integers(-40, 1100))
    def test_curve_is_the_contract_rule(self, baseline: dict[date, int], d: int) -> None:
        t = date(2025, 1, 1) + timedelta(days=d)
        lines = [MonthlyBudget(m, a) for m, a in baseline.items()]
        assert planned_value(t, bac=0, start=None, finish=None, baseline=lines) == _naive_pv(
            t, baseline
        )

    @given(baselines, st.integers(0, 900), st.integers(0, 900), st.fractions(0, 1))
    def test_earned_schedule_lands_where_the_baseline_reaches_ev(
        self, baseline: dict[date, int], offset: int, length: int, share: Fraction
    ) -> None:
        start = date(2025, 1, 1) + timedelta(days=offset)
        finish = start + timedelta(days=length)
        lines = [MonthlyBudget(m, a) for m, a in baseline.items()]
        bac = sum(baseline.values())
        end_pv = _naive_pv(finish, baseline)
        ev = end_pv * share
        es = earned_schedule(finish, ev, bac=bac, start=start, finish=finish, baseline=lines)
        assert 0 <= es.es_days <= length + 1
        if 0 < ev < end_pv:
            day = int(es.es_days)  # PV at the end of day n is PV(start + n - 1)
            at = lambda n: _naive_pv(start + timedelta(days=n - 1), baseline) if n else 0  # noqa: E731
            assert at(day) + (at(day + 1) - at(day)) * (es.es_days - day) == ev
