"""Earned value over GraphQL: a project's figures at any date, its series and cost variance, and
the portfolio's EVM are the same answers as REST's for the same data."""

from __future__ import annotations

import httpx

from tests.factories import make_portfolio, make_project
from tests.gql import gql
from tests.graphql_plan import (
    EVM,
    FIGURES,
    JAN,
    as_graphql,
    get_json,
    planned_project,
    send,
    without,
)


class TestNestedFieldsMatchRest:
    async def test_evm_as_of_dates_equals_rest(self, client: httpx.AsyncClient) -> None:
        project = await planned_project(client)
        percent = await planned_project(client, project["portfolio_id"])
        await send(
            client,
            "PATCH",
            f"/api/v1/projects/{percent['code']}",
            {"ev_method": "percent_complete"},
            200,
        )
        dates = ("2025-12-31", "2026-01-15", "2026-01-31", "2026-02-10", "2026-06-30")
        aliases = " ".join(f'd{i}: evm(asOf: "{d}") {{ {EVM} }}' for i, d in enumerate(dates))
        q = f"query($c: String) {{ project(code: $c) {{ {aliases} }} }}"
        for code in (project["code"], percent["code"]):
            got = (await gql(client, q, c=code))["data"]["project"]
            for i, as_of in enumerate(dates):
                rest = await get_json(client, f"/api/v1/projects/{code}/evm", as_of=as_of)
                expected = without(rest, "project_id", "code", "currency", "ev_method")
                assert got[f"d{i}"] == as_graphql(expected), as_of

    async def test_evm_defaults_to_today(self, client: httpx.AsyncClient) -> None:
        project = await planned_project(client)
        got = await gql(client, f'{{ project(code: "{project["code"]}") {{ evm {{ {EVM} }} }} }}')
        rest = await get_json(client, f"/api/v1/projects/{project['code']}/evm")
        expected = without(rest, "project_id", "code", "currency", "ev_method")
        assert got["data"]["project"]["evm"] == as_graphql(expected)

    async def test_evm_series_equals_rest(self, client: httpx.AsyncClient) -> None:
        project = await planned_project(client)
        code = project["code"]
        q = f"""query($c: String) {{ project(code: $c) {{
                 months: evmSeries {{ {EVM} }}
                 weeks: evmSeries(from: "2026-01-01", to: "2026-02-28", interval: WEEK) {{ {EVM} }}
                 }} }}"""
        got = (await gql(client, q, c=code))["data"]["project"]
        series = f"/api/v1/projects/{code}/evm/series"
        months = await get_json(client, series)
        weeks = await get_json(
            client, series, **{"from": "2026-01-01", "to": "2026-02-28"}, interval="week"
        )
        assert got["months"] == as_graphql(months["data"]) and len(got["months"]) == 3
        assert got["weeks"] == as_graphql(weeks["data"]) and len(got["weeks"]) == 8

    async def test_evm_series_without_a_start_asks_for_from(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        result = await gql(
            client, f'{{ project(code: "{project["code"]}") {{ evmSeries {{ ev }} }} }}'
        )
        assert "give `from`" in result["errors"][0]["message"]

    async def test_cost_variance_equals_rest(self, client: httpx.AsyncClient) -> None:
        project = await planned_project(client, costs=5)
        code = project["code"]
        q = """query($c: String) { project(code: $c) {
                 byCategory: costVariance(asOf: "2026-02-15") {
                   key planned actual variance variancePercent }
                 byMonth: costVariance(asOf: "2026-02-15", groupBy: MONTH) {
                   key planned actual variance variancePercent } } }"""
        got = (await gql(client, q, c=code))["data"]["project"]
        path = f"/api/v1/projects/{code}/cost-variance"
        by_category = await get_json(client, path, as_of="2026-02-15")
        by_month = await get_json(client, path, as_of="2026-02-15", group_by="month")
        assert got["byCategory"] == as_graphql(by_category["data"])
        assert got["byMonth"] == as_graphql(by_month["data"])
        assert {row["key"] for row in got["byCategory"]} == {"kit", "labor"}

    async def test_portfolio_evm_equals_rest(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client, currency="EUR")
        for _ in range(3):
            await planned_project(client, portfolio["id"])
        await make_project(client, portfolio["id"], budget=500, **JAN)
        q = f"""query($id: ID!) {{ portfolio(id: $id) {{ evm(asOf: "2026-02-10") {{
                 portfolioId asOf currency rollup {{ {FIGURES} }}
                 projects {{ projectId code name status {FIGURES} }} }} }} }}"""
        got = (await gql(client, q, id=portfolio["id"]))["data"]["portfolio"]["evm"]
        rest = await get_json(
            client, f"/api/v1/portfolios/{portfolio['id']}/evm", as_of="2026-02-10"
        )
        assert got == as_graphql(rest)
        assert len(got["projects"]) == 4 and got["currency"] == "EUR"
