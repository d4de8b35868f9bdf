"""KPIs over REST: definitions, measurements and their RAG status at the thresholds, the
built-in computed KPIs, a project's KPIs, and the kpi-values feed (JSON, CSV, incremental)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pmo_api.kpis.rules import status
from tests.factories import assert_problem, make_portfolio, make_project

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10"}


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def _kpi(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"code": code, "name": code, "direction": "higher_is_better", **fields}
    return await _post(client, "/api/v1/kpis", body)


class TestStatusRule:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [(95.0, "green"), (100.0, "green"), (94.99, "amber"), (85.0, "amber"), (84.99, "red")],
    )
    def test_higher_is_better(self, value: float, expected: str) -> None:
        assert status(value, "higher_is_better", 95.0, 85.0) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(5.0, "green"), (0.0, "green"), (5.01, "amber"), (10.0, "amber"), (10.01, "red")],
    )
    def test_lower_is_better(self, value: float, expected: str) -> None:
        assert status(value, "lower_is_better", 5.0, 10.0) == expected

    def test_no_thresholds_no_status(self) -> None:
        assert status(1.0, "higher_is_better", None, 0.5) is None
        assert status(None, "higher_is_better", 1.0, 0.5) is None


class TestDefinitionsAndMeasurements:
    async def test_measurements_are_judged_and_upserted(self, client: httpx.AsyncClient) -> None:
        await _kpi(
            client,
            "defect_rate",
            direction="lower_is_better",
            target=2,
            amber_threshold=5,
            red_threshold=10,
            unit="%",
        )
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/kpis/defect_rate/measurements"
        first = await client.post(path, json={"measured_on": "2026-02-01", "value": 5})
        assert first.status_code == 201, first.text
        body = first.json()
        assert (body["status"], body["variance_to_target"]) == ("green", 3.0)  # exactly amber
        again = await client.post(path, json={"measured_on": "2026-02-01", "value": 10.5})
        assert again.status_code == 200 and again.json()["id"] == body["id"]
        assert again.json()["status"] == "red"
        await _post(client, path, {"measured_on": "2026-03-01", "value": 10})
        listed = (await client.get(path)).json()["data"]
        assert [(m["measured_on"], m["value"], m["status"]) for m in listed] == [
            ("2026-02-01", 10.5, "red"),
            ("2026-03-01", 10.0, "amber"),
        ]

    async def test_definition_rules(self, client: httpx.AsyncClient) -> None:
        assert_problem(
            await client.post(
                "/api/v1/kpis",
                json={"code": "Bad-Code", "name": "x", "direction": "higher_is_better"},
            ),
            422,
            loc=["body", "code"],
        )
        assert_problem(
            await client.post(
                "/api/v1/kpis",
                json={
                    "code": "upside_down",
                    "name": "x",
                    "direction": "higher_is_better",
                    "amber_threshold": 1,
                    "red_threshold": 2,
                },
            ),
            422,
        )
        await _kpi(client, "velocity")
        assert_problem(
            await client.post(
                "/api/v1/kpis",
                json={"code": "velocity", "name": "again", "direction": "higher_is_better"},
            ),
            409,
        )
        project = await make_project(client)
        await _post(
            client,
            f"/api/v1/projects/{project['code']}/kpis/velocity/measurements",
            {"measured_on": "2026-01-01", "value": 1},
        )
        assert_problem(await client.delete("/api/v1/kpis/velocity"), 409)  # it has measurements

    async def test_builtins(self, client: httpx.AsyncClient) -> None:
        listed = (await client.get("/api/v1/kpis", params={"computed": "true"})).json()["data"]
        assert [k["code"] for k in listed] == [
            "budget_spent_percent",
            "compliance",
            "cost_variance",
            "cpi",
            "milestone_on_time_rate",
            "open_issues",
            "open_risk_exposure",
            "overdue_actions",
            "planned_vs_actual_hours",
            "schedule_variance",
            "spi",
            "utilisation",
        ]
        cpi = (await client.get("/api/v1/kpis/cpi")).json()
        assert (cpi["amber_threshold"], cpi["red_threshold"]) == (0.95, 0.85)  # the settings
        assert_problem(await client.delete("/api/v1/kpis/cpi"), 409)
        assert_problem(await client.patch("/api/v1/kpis/cpi", json={"amber_threshold": 1}), 409)
        renamed = await client.patch("/api/v1/kpis/cost_variance", json={"name": "CV"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "CV"
        project = await make_project(client)
        assert_problem(
            await client.post(
                f"/api/v1/projects/{project['code']}/kpis/cpi/measurements",
                json={"measured_on": "2026-01-01", "value": 1},
            ),
            409,
        )

    async def test_a_viewer_cannot_define(self, app: Any, client: httpx.AsyncClient) -> None:
        from pmo_api.access.principal import Role
        from tests.conftest import http_client, make_key

        async with http_client(app, await make_key(app, Role.editor)) as editor:
            response = await editor.post(
                "/api/v1/kpis", json={"code": "x", "name": "x", "direction": "higher_is_better"}
            )
        assert_problem(response, 403)


async def _worked_project(client: httpx.AsyncClient, portfolio_id: str) -> dict[str, Any]:
    """BAC 1,000.00 over 1-10 Jan 2026; milestones weighted 1, 1, 2 (the first done on 4 Jan, on
    its due date; the second done on 5 Jan, two days late); 300.00 spent by 4 Jan; one open risk
    with cost impact 1,000.00 at probability 3 (exposure 500.00)."""
    project = await make_project(client, portfolio_id, budget=1000, **JAN)
    base = f"/api/v1/projects/{project['code']}"
    for body in (
        {"name": "a", "due_date": "2026-01-04", "completed_on": "2026-01-04"},
        {"name": "b", "due_date": "2026-01-03", "completed_on": "2026-01-05"},
        {"name": "c", "due_date": "2026-01-10", "weight": 2},
    ):
        await _post(client, f"{base}/milestones", body)
    for on, amount in (("2026-01-02", 100), ("2026-01-04", 200)):
        await _post(client, f"{base}/costs", {"incurred_on": on, "amount": amount})
    await _post(
        client, f"{base}/risks", {"title": "r", "probability": 3, "impact": 2, "cost_impact": 1000}
    )
    return project


class TestProjectKpis:
    async def test_latest_value_and_status_of_every_kpi(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        project = await _worked_project(client, portfolio["id"])
        await _kpi(client, "happiness", amber_threshold=7, red_threshold=5, target=8)
        path = f"/api/v1/projects/{project['code']}/kpis/happiness/measurements"
        await _post(client, path, {"measured_on": "2026-01-02", "value": 9})
        await _post(client, path, {"measured_on": "2026-01-04", "value": 6})
        await _post(client, path, {"measured_on": "2026-02-01", "value": 4})  # after as_of
        response = await client.get(
            f"/api/v1/projects/{project['code']}/kpis", params={"as_of": "2026-01-04"}
        )
        assert response.status_code == 200, response.text
        kpis = {k["kpi_code"]: k for k in response.json()["data"]}
        # As of 4 Jan: EV 250, AC 300, PV 400 (see test_rest_finance's worked example)
        assert (kpis["cpi"]["value"], kpis["cpi"]["status"]) == (0.8333, "red")  # < 0.85
        assert (kpis["spi"]["value"], kpis["spi"]["status"]) == (0.625, "red")
        assert kpis["cost_variance"]["value"] == -50.0  # 250 - 300
        assert kpis["schedule_variance"]["value"] == -150.0  # 250 - 400
        assert (kpis["budget_spent_percent"]["value"], kpis["budget_spent_percent"]["status"]) == (
            30.0,
            "green",
        )
        # Completed by 4 Jan: only "a", on time → 100 %
        assert kpis["milestone_on_time_rate"]["value"] == 100.0
        assert kpis["open_risk_exposure"]["value"] == 500.0  # 1,000 x 0.5
        happy = kpis["happiness"]
        assert (happy["value"], happy["measured_on"], happy["status"]) == (
            6.0,
            "2026-01-04",
            "amber",
        )
        assert happy["variance_to_target"] == -2.0
        later = await client.get(
            f"/api/v1/projects/{project['code']}/kpis", params={"as_of": "2026-01-06"}
        )
        rate = {k["kpi_code"]: k for k in later.json()["data"]}["milestone_on_time_rate"]
        assert (rate["value"], rate["status"]) == (50.0, "red")  # 1 of 2 on time; red < 75


class TestKpiValuesFeed:
    async def test_csv_round_trip_pages_and_incremental_pulls(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        projects = [await _worked_project(client, portfolio["id"]) for _ in range(3)]
        await _kpi(client, "happiness", amber_threshold=7, red_threshold=5)
        for project in projects:
            await _post(
                client,
                f"/api/v1/projects/{project['code']}/kpis/happiness/measurements",
                {"measured_on": "2026-01-15", "value": 8},
            )
        params = {"portfolio_id": portfolio["id"], "from": "2026-01-01", "to": "2026-03-31"}
        feed = "/api/v1/kpi-values"
        whole = (await client.get(feed, params={**params, "limit": 500})).json()
        assert whole["next_cursor"] is None
        rows = whole["data"]
        # Per project: happiness once, 10 monthly built-ins (open_issues among them) at Jan,
        # Feb, Mar month ends (no exposure: today is outside the range; no utilisation: it is per
        # resource) → 1 + 30
        assert len(rows) == 3 * 31
        keys = [(r["project_id"], r["kpi_code"], r["measured_on"]) for r in rows]
        assert keys == sorted(keys)
        jan = {
            (r["project_code"], r["kpi_code"]): r for r in rows if r["measured_on"] == "2026-01-31"
        }
        first = projects[0]["code"]
        assert jan[(first, "cpi")]["value"] == 1.6667  # EV 1000 x 2/4 = 500, AC 300
        # Walk in pages of 7: the same rows, in the same order, once each.
        walked, cursor = [], None
        while True:
            page = (
                await client.get(
                    feed, params={**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
                )
            ).json()
            walked += page["data"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert walked == rows
        # The CSV, read by a real CSV reader, has the same numbers.
        text = (await client.get(feed, params={**params, "format": "csv"})).text
        from_csv = list(csv.DictReader(io.StringIO(text)))
        assert len(from_csv) == len(rows)
        for c, j in zip(from_csv, rows, strict=True):
            assert (c["project_code"], c["kpi_code"], c["measured_on"]) == (
                j["project_code"],
                j["kpi_code"],
                j["measured_on"],
            )
            assert (float(c["value"]) if c["value"] else None) == j["value"]
            assert (c["status"] or None) == j["status"]
        # Incremental: after a new cost on one project and a new measurement on another,
        # only what changed comes back.
        await asyncio.sleep(0.01)
        since = datetime.now(UTC).isoformat()
        await asyncio.sleep(0.01)
        await _post(
            client,
            f"/api/v1/projects/{projects[1]['code']}/costs",
            {"incurred_on": "2026-02-10", "amount": 10},
        )
        await _post(
            client,
            f"/api/v1/projects/{projects[2]['code']}/kpis/happiness/measurements",
            {"measured_on": "2026-02-15", "value": 4},
        )
        changed = (
            await client.get(feed, params={**params, "updated_since": since, "limit": 500})
        ).json()["data"]
        assert {r["project_code"] for r in changed if r["computed"]} == {projects[1]["code"]}
        assert [(r["project_code"], r["value"]) for r in changed if not r["computed"]] == [
            (projects[2]["code"], 4.0)
        ]
