"""Milestones, the budget baseline, costs and progress over REST, and earned value served from
them: worked examples computed by hand (the arithmetic is in the comments) and CONTRACT §4's
edge cases, through the real app on both databases."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from tests.factories import (
    BASELINE_LINES,
    assert_problem,
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


class TestBaseline:
    LINES = BASELINE_LINES

    async def test_pv_prorates_each_month_by_its_days(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=1, **JAN)
        code = project["code"]
        response = await client.put(
            f"/api/v1/projects/{code}/budget-lines", json={"lines": self.LINES}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["baseline"], body["bac"], len(body["lines"])) == (1, 5900.0, 3)
        assert response.headers["etag"] == '"1"'
        # BAC is the sum of the lines, not the budget given at creation.
        assert (await client.get(f"/api/v1/projects/{code}")).json()["budget"] == 5900.0
        # 10 Jan: 3,100.00 * 10/31 = 1,000.00
        assert (await evm_of(client, code, "2026-01-10"))["pv"] == 1000.0
        # 14 Feb: January whole + 2,800.00 * 14/28 = 3,100 + 1,400 = 4,500.00
        assert (await evm_of(client, code, "2026-02-14"))["pv"] == 4500.0
        # Month ends count whole; a month starting after t not at all.
        assert (await evm_of(client, code, "2026-01-31"))["pv"] == 3100.0
        assert (await evm_of(client, code, "2025-12-31"))["pv"] == 0

    async def test_a_baseline_starting_mid_month(self, client: httpx.AsyncClient) -> None:
        # The project starts on 15 Mar; its first baseline month is March. PV prorates by
        # calendar days of the month: 15 Mar → 3,100.00 * 15/31 = 1,500.00.
        project = await make_project(
            client, start_date="2026-03-15", finish_date="2026-04-30", budget=0
        )
        lines = [{"period": "2026-03", "amount": 3100}, {"period": "2026-04", "amount": 3000}]
        response = await client.put(
            f"/api/v1/projects/{project['code']}/budget-lines", json={"lines": lines}
        )
        assert response.status_code == 200, response.text
        e = await evm_of(client, project["code"], "2026-03-15")
        assert (e["pv"], e["bac"]) == (1500.0, 6100.0)

    async def test_rebaselining_keeps_the_old_baseline(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, **JAN)
        path = f"/api/v1/projects/{project['code']}/budget-lines"
        assert (await client.put(path, json={"lines": self.LINES})).status_code == 200
        stale = await client.put(path, json={"lines": self.LINES[:1]}, headers={"If-Match": '"0"'})
        assert_problem(stale, 412)
        second = await client.put(path, json={"lines": self.LINES[:1]}, headers={"If-Match": '"1"'})
        assert second.status_code == 200 and second.json()["baseline"] == 2
        current = (await client.get(path)).json()["data"]
        assert [(r["period"], r["amount"], r["baseline"]) for r in current] == [
            ("2026-01", 3100.0, 2)
        ]
        old = (await client.get(path, params={"baseline": 1})).json()["data"]
        assert sorted((r["period"], r["category"], r["amount"]) for r in old) == [
            ("2026-01", "labor", 3100.0),
            ("2026-02", "labor", 2000.0),
            ("2026-02", "vendor", 800.0),
        ]
        assert (await client.get(f"/api/v1/projects/{project['code']}")).json()["budget"] == 3100

    async def test_budget_is_read_only_while_lines_exist(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, **JAN)
        path = f"/api/v1/projects/{project['code']}"
        await client.put(f"{path}/budget-lines", json={"lines": self.LINES})
        assert_problem(await client.patch(path, json={"budget": 10}), 409)
        assert (await client.patch(path, json={"budget": 5900})).status_code == 200  # unchanged

    async def test_bad_lines_change_nothing(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=7, **JAN)
        path = f"/api/v1/projects/{project['code']}/budget-lines"
        twice = [self.LINES[0], self.LINES[0]]
        assert_problem(await client.put(path, json={"lines": twice}), 422, loc=["body", "lines", 1])
        bad_period = [{"period": "2026-13", "amount": 1}]
        assert_problem(await client.put(path, json={"lines": bad_period}), 422)
        negative = [{"period": "2026-01", "amount": -1}]
        assert_problem(await client.put(path, json={"lines": negative}), 422)
        assert (await client.get(path)).json()["data"] == []
        assert (await client.get(f"/api/v1/projects/{project['code']}")).json()["budget"] == 7


class TestCosts:
    async def test_external_ref_updates_instead_of_duplicating(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/costs"
        body = {"incurred_on": "2026-02-01", "amount": 10.5, "external_ref": "INV-1"}
        first = await client.post(path, json=body)
        assert first.status_code == 201 and first.headers["location"].endswith(first.json()["id"])
        again = await client.post(path, json={**body, "amount": 12})
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"] and again.json()["amount"] == 12.0
        assert again.json()["version"] == 2
        same = await client.post(path, json={**body, "amount": 12})
        assert same.status_code == 200 and same.json()["version"] == 2
        rows = (await client.get(path)).json()["data"]
        assert [r["external_ref"] for r in rows] == ["INV-1"]

    async def test_feed_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        p1 = await make_portfolio(client)
        a = await make_project(client, p1["id"])
        b = await make_project(client)
        for project, on, amount, category in (
            (a, "2026-01-05", 1.25, "labor"),
            (a, "2026-02-05", -0.5, "refund"),
            (b, "2026-01-06", 99.99, "labor"),
        ):
            await post_created(
                client,
                f"/api/v1/projects/{project['code']}/costs",
                {"incurred_on": on, "amount": amount, "category": category},
            )
        feed = "/api/v1/costs"
        by_portfolio = (await client.get(feed, params={"portfolio_id": p1["id"]})).json()["data"]
        assert sorted(r["amount"] for r in by_portfolio) == [-0.5, 1.25]
        assert {r["project_code"] for r in by_portfolio} == {a["code"]}
        window = await client.get(feed, params={"from": "2026-01-01", "to": "2026-01-31"})
        assert sorted(r["amount"] for r in window.json()["data"]) == [1.25, 99.99]
        by_code = await client.get(feed, params={"project": b["code"], "category": "labor"})
        assert [r["amount"] for r in by_code.json()["data"]] == [99.99]
        filtered = await client.get(
            feed, params={"format": "csv", "portfolio_id": p1["id"], "project": [a["code"], "X-1"]}
        )
        assert sorted(r["amount"] for r in csv.DictReader(io.StringIO(filtered.text))) == [
            "-0.5",
            "1.25",
        ]
        response = await client.get(feed, params={"format": "csv"})
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        json_rows = (await client.get(feed)).json()["data"]
        assert len(rows) == 3
        assert {(r["id"], r["amount"]) for r in rows} == {
            (r["id"], str(r["amount"])) for r in json_rows
        }

    async def test_delete_with_costs_archives_only_when_cancelled(
        self, app: Any, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, status="active")
        path = f"/api/v1/projects/{project['code']}"
        await post_created(client, f"{path}/costs", {"incurred_on": "2026-01-01", "amount": 5})
        assert_problem(await client.delete(path), 409)
        assert (await client.patch(path, json={"status": "cancelled"})).status_code == 200
        assert (await client.delete(path)).status_code == 204
        assert_problem(await client.get(path), 404)
        assert (await client.get("/api/v1/costs")).json()["data"] == []
        from pmo_api.finance.aggregates import cost_entries, projects

        async with app.state.db.read() as conn:
            archived = (
                await conn.execute(
                    select(projects.c.archived_at).where(projects.c.code == project["code"])
                )
            ).scalar()
            kept = (await conn.execute(select(cost_entries.c.amount))).scalars().all()
        assert archived is not None and kept == [500]


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


class TestCostCsv:
    async def test_every_cell_matches_the_json(self, client: httpx.AsyncClient) -> None:
        """On PostgreSQL the CSV is formatted by COPY, elsewhere by Python: either way each
        cell reads back as the JSON value (text with quotes, commas and newlines included)."""
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/costs"
        for i, (amount, text) in enumerate(
            ((0.01, 'He said "hi", then\nleft'), (-1234567.89, None), (1e10, "plain"))
        ):
            await post_created(
                client,
                path,
                {
                    "incurred_on": f"2026-03-0{i + 1}",
                    "amount": amount,
                    "description": text,
                    "external_ref": f"R{i}",
                },
            )
        json_rows = {r["id"]: r for r in (await client.get(path)).json()["data"]}
        response = await client.get(path, headers={"Accept": "text/csv"})
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 3 and list(rows[0]) == list(next(iter(json_rows.values())))
        for row in rows:
            expected = json_rows[row["id"]]
            for name, cell in row.items():
                value = expected[name]
                if name in ("created_at", "updated_at"):
                    assert datetime.fromisoformat(cell) == datetime.fromisoformat(value)
                elif name == "amount":  # "1e10" may print as 10000000000 or 10000000000.0
                    assert float(cell) == value
                else:
                    assert cell == ("" if value is None else str(value)), (name, cell, value)
