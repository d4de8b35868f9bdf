"""Earned value over REST, served from milestones, baselines, costs and progress: a project's
figures in worked examples computed by hand (the arithmetic is in the comments) and CONTRACT §4's
edge cases, the portfolio rollup, the series and the cost variance, through the real app on both
databases."""

from __future__ import annotations

import csv
import io

import httpx

from tests.factories import (
    BASELINE_LINES,
    evm_of,
    make_portfolio,
    make_project,
    post_created,
)

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10"}  # 10 planned days


async def _worked_project(client: httpx.AsyncClient, portfolio_id: str | None = None) -> str:
    """BAC 1,000.00 over 1-10 Jan 2026 (100.00 a day, no baseline); milestones weighted 1, 1
    and 2, the first completed on 4 Jan; costs 100.00 (2 Jan), 200.00 (4 Jan), 50.00 (5 Jan)."""
    project = await make_project(client, portfolio_id, budget=1000, **JAN)
    code = project["code"]
    base = f"/api/v1/projects/{code}"
    await post_created(
        client,
        f"{base}/milestones",
        {"name": "a", "due_date": "2026-01-04", "weight": 1, "completed_on": "2026-01-04"},
    )
    await post_created(client, f"{base}/milestones", {"name": "b", "due_date": "2026-01-07"})
    await post_created(
        client,
        f"{base}/milestones",
        {"name": "c", "due_date": "2026-01-10", "weight": 2, "is_gate": True},
    )
    for on, amount in (("2026-01-02", 100), ("2026-01-04", 200), ("2026-01-05", 50)):
        await post_created(client, f"{base}/costs", {"incurred_on": on, "amount": amount})
    return str(code)


class TestWorkedExample:
    async def test_every_figure_as_of_4_january(self, client: httpx.AsyncClient) -> None:
        code = await _worked_project(client)
        e = await evm_of(client, code, "2026-01-04")
        # PV: 4 of 10 days (1-4 Jan inclusive) of 1,000.00 = 400.00
        # EV: 1,000.00 * 1 / (1 + 1 + 2) = 250.00; AC: 100 + 200 = 300.00 (5 Jan is after t)
        assert (e["bac"], e["pv"], e["ev"], e["ac"]) == (1000.0, 400.0, 250.0, 300.0)
        assert (e["cv"], e["sv"]) == (-50.0, -150.0)  # 250 - 300, 250 - 400
        assert (e["cv_percent"], e["sv_percent"]) == (-20.0, -37.5)  # -50/250, -150/400
        assert (e["cpi"], e["spi"]) == (0.8333, 0.625)  # 250/300, 250/400
        assert e["eac"] == 1200.0  # 1000 / (250/300)
        assert (e["etc"], e["vac"]) == (900.0, -200.0)  # 1200 - 300, 1000 - 1200
        assert e["tcpi"] == 1.0714  # (1000 - 250) / (1000 - 300) = 750 / 700
        assert e["eac_atypical"] == 1050.0  # 300 + 1000 - 250
        assert e["eac_composite"] == 1740.0  # 300 + 750 / (250/300 * 250/400) = 300 + 1440
        assert (e["percent_complete"], e["percent_spent"]) == (25.0, 30.0)
        # Earned schedule: PV reaches 250 half way through day 3 → ES 2.5; AT = 4 days
        assert (e["at_days"], e["es_days"], e["spi_t"], e["sv_t_days"]) == (4, 2.5, 0.625, -1.5)
        assert e["forecast_finish"] == "2026-01-16"  # 1 Jan + round(10 / 0.625) - 1
        assert (e["code"], e["currency"], e["ev_method"]) == (code, "USD", "milestones")

    async def test_zero_actual_cost_leaves_cost_indices_null(
        self, client: httpx.AsyncClient
    ) -> None:
        code = await _worked_project(client)
        e = await evm_of(client, code, "2026-01-01")  # before any cost: AC 0
        assert e["ac"] == 0 and e["pv"] == 100.0 and e["ev"] == 0
        assert [e[k] for k in ("cpi", "eac", "etc", "vac", "eac_composite")] == [None] * 5
        assert e["cv_percent"] is None  # EV 0
        assert e["tcpi"] == 1.0  # (1000 - 0) / (1000 - 0)

    async def test_before_start_and_after_finish(self, client: httpx.AsyncClient) -> None:
        code = await _worked_project(client)
        before = await evm_of(client, code, "2025-12-31")
        assert (before["pv"], before["ev"], before["ac"], before["spi"]) == (0, 0, 0, None)
        assert before["at_days"] == 0 and before["spi_t"] is None
        after = await evm_of(client, code, "2026-03-01")
        assert (after["pv"], after["ac"]) == (1000.0, 350.0)

    async def test_a_project_finished_late(self, client: httpx.AsyncClient) -> None:
        # Every milestone completed on 15 Jan, five days late. On 20 Jan EV = PV = BAC, so SPI
        # is back to 1, while ES is capped at the 10 planned days against AT 20: SPI(t) 0.5.
        project = await make_project(client, budget=1000, **JAN)
        base = f"/api/v1/projects/{project['code']}"
        await post_created(
            client,
            f"{base}/milestones",
            {"name": "all", "due_date": "2026-01-10", "completed_on": "2026-01-15"},
        )
        e = await evm_of(client, project["code"], "2026-01-20")
        assert (e["spi"], e["es_days"], e["at_days"], e["spi_t"]) == (1.0, 10.0, 20, 0.5)
        assert e["sv_t_days"] == -10.0 and e["forecast_finish"] == "2026-01-20"

    async def test_negative_credits(self, client: httpx.AsyncClient) -> None:
        code = await _worked_project(client)
        await post_created(
            client,
            f"/api/v1/projects/{code}/costs",
            {"incurred_on": "2026-01-03", "amount": -100, "category": "refund"},
        )
        e = await evm_of(client, code, "2026-01-04")
        assert e["ac"] == 200.0 and e["cpi"] == 1.25  # 300 - 100; 250 / 200

    async def test_no_milestones_earn_nothing(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=1000, **JAN)
        e = await evm_of(client, project["code"], "2026-01-05")
        assert (e["ev"], e["pv"], e["spi"]) == (0, 500.0, 0.0)

    async def test_percent_complete_method(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=1000, ev_method="percent_complete", **JAN)
        base = f"/api/v1/projects/{project['code']}"
        await post_created(
            client, f"{base}/progress", {"as_of": "2026-01-03", "percent_complete": 20}
        )
        await post_created(
            client, f"{base}/progress", {"as_of": "2026-01-06", "percent_complete": 50.5}
        )
        # EV = BAC * the latest percent with as_of <= t / 100
        assert (await evm_of(client, project["code"], "2026-01-02"))["ev"] == 0
        assert (await evm_of(client, project["code"], "2026-01-05"))["ev"] == 200.0
        assert (await evm_of(client, project["code"], "2026-01-06"))["ev"] == 505.0


class TestPortfolioRollup:
    async def test_sums_never_averages(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        first = await _worked_project(client, portfolio["id"])  # EV 250, AC 300, PV 400 on 4 Jan
        second = await make_project(client, portfolio["id"], budget=1000, **JAN)
        await post_created(
            client,
            f"/api/v1/projects/{second['code']}/milestones",
            {"name": "all", "due_date": "2026-01-02", "completed_on": "2026-01-02"},
        )
        await post_created(
            client,
            f"/api/v1/projects/{second['code']}/costs",
            {"incurred_on": "2026-01-02", "amount": 100},
        )
        response = await client.get(
            f"/api/v1/portfolios/{portfolio['id']}/evm", params={"as_of": "2026-01-04"}
        )
        body = response.json()
        rows = {r["code"]: r for r in body["projects"]}
        assert (rows[first]["cpi"], rows[second["code"]]["cpi"]) == (0.8333, 10.0)
        r = body["rollup"]
        # BAC 2000, PV 400 + 400, EV 250 + 1000, AC 300 + 100: CPI 1250/400, not (0.83+10)/2
        assert (r["bac"], r["pv"], r["ev"], r["ac"]) == (2000.0, 800.0, 1250.0, 400.0)
        assert (r["cpi"], r["spi"]) == (3.125, 1.5625)
        csv_rows = list(
            csv.DictReader(
                io.StringIO(
                    (
                        await client.get(
                            f"/api/v1/portfolios/{portfolio['id']}/evm",
                            params={"as_of": "2026-01-04", "format": "csv"},
                        )
                    ).text
                )
            )
        )
        assert sorted(row["code"] for row in csv_rows) == sorted(rows)
        # Every row describes itself: the portfolio, the as-of date and the currency.
        assert {(r["portfolio_id"], r["as_of"], r["currency"]) for r in csv_rows} == {
            (portfolio["id"], "2026-01-04", portfolio["currency"])
        }


class TestSeriesAndVariance:
    async def test_monthly_series_and_cost_variance(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, start_date="2026-01-01", finish_date="2026-02-28")
        code = project["code"]
        await client.put(f"/api/v1/projects/{code}/budget-lines", json={"lines": BASELINE_LINES})
        for on, amount, category in (("2026-01-10", 3000, "labor"), ("2026-02-03", 500, "vendor")):
            await post_created(
                client,
                f"/api/v1/projects/{code}/costs",
                {"incurred_on": on, "amount": amount, "category": category},
            )
        series = (
            await client.get(f"/api/v1/projects/{code}/evm/series", params={"interval": "month"})
        ).json()
        assert [(p["as_of"], p["pv"], p["ac"]) for p in series["data"]] == [
            ("2026-01-31", 3100.0, 3000.0),
            ("2026-02-28", 5900.0, 3500.0),
        ]
        assert series["portfolio_id"] == project["portfolio_id"]
        series_csv = await client.get(
            f"/api/v1/projects/{code}/evm/series", params={"interval": "month", "format": "csv"}
        )
        csv_points = list(csv.DictReader(io.StringIO(series_csv.text)))
        assert [
            (r["code"], r["portfolio_id"], r["currency"], r["as_of"], float(r["pv"]))
            for r in csv_points
        ] == [
            (code, project["portfolio_id"], project["currency"], "2026-01-31", 3100.0),
            (code, project["portfolio_id"], project["currency"], "2026-02-28", 5900.0),
        ]
        weeks = (
            await client.get(
                f"/api/v1/projects/{code}/evm/series",
                params={"interval": "week", "to": "2026-01-18"},
            )
        ).json()
        assert [p["as_of"] for p in weeks["data"]] == ["2026-01-04", "2026-01-11", "2026-01-18"]
        variance = (
            await client.get(
                f"/api/v1/projects/{code}/cost-variance", params={"as_of": "2026-02-14"}
            )
        ).json()
        # Planned as of 14 Feb: labor 3,100 + 2,000 * 14/28 = 4,100; vendor 800 * 14/28 = 400
        assert [(r["key"], r["planned"], r["actual"], r["variance"]) for r in variance["data"]] == [
            ("labor", 4100.0, 3000.0, 1100.0),
            ("vendor", 400.0, 500.0, -100.0),
        ]
        assert variance["data"][1]["variance_percent"] == -25.0
        monthly = (
            await client.get(
                f"/api/v1/projects/{code}/cost-variance",
                params={"as_of": "2026-02-14", "group_by": "month"},
            )
        ).json()
        assert [(r["key"], r["planned"], r["actual"]) for r in monthly["data"]] == [
            ("2026-01", 3100.0, 3000.0),
            ("2026-02", 1400.0, 500.0),
        ]
