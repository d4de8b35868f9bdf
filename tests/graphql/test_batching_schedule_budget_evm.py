"""GraphQL batches its reads of milestones, costs, budget lines and earned value: a fixed number
of SQL statements whatever the number of projects and dates, and the answers each project gets
on its own."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project
from tests.gql import counted_statements, gql
from tests.graphql_plan import EVM, as_graphql, get_json, planned_project, send

BATCHED = """
query($n: Int! = 100) { projects(first: $n) { nodes {
  code
  milestones(first: 10) { name weight status }
  evm(asOf: "2026-02-15") { pv ev ac cpi spi esDays forecastFinish }
  costs(first: 3) { nodes { amount } pageInfo { hasNextPage endCursor } }
  budgetLines(first: 10) { period amount }
} } }
"""


class TestBatching:
    async def test_statements_do_not_grow_with_the_number_of_projects(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        for _ in range(5):
            await planned_project(client, portfolio["id"], costs=4)
        with counted_statements(app) as five:
            small = await gql(client, BATCHED, n=5)
        assert "errors" not in small, small

        for _ in range(95):
            await planned_project(client, portfolio["id"], costs=1)
        with counted_statements(app) as hundred:
            large = await gql(client, BATCHED, n=100)
        assert "errors" not in large, large

        nodes = large["data"]["projects"]["nodes"]
        assert len(nodes) == 100
        assert all(len(n["milestones"]) == 2 and len(n["budgetLines"]) == 3 for n in nodes)
        assert [len(n["costs"]["nodes"]) for n in nodes] == [3] * 5 + [1] * 95
        assert [n["costs"]["pageInfo"]["hasNextPage"] for n in nodes[:6]] == [True] * 5 + [False]
        # The batched answers are the ones each project gets on its own.
        for node in (nodes[0], nodes[57]):
            alone = await get_json(
                client, f"/api/v1/projects/{node['code']}/evm", as_of="2026-02-15"
            )
            assert node["evm"] == {k: as_graphql(alone)[k] for k in node["evm"]}
        # One for the projects, one each for milestones, costs and budget lines, two for EVM.
        assert len(five) == len(hundred) == 6, (five, hundred)

    async def test_evm_of_many_projects_at_many_dates_is_two_statements(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        for _ in range(4):
            await planned_project(client, portfolio["id"], costs=1)
        q = """{ projects(first: 10) { nodes {
                 a: evm(asOf: "2026-01-15") { ev } b: evm(asOf: "2026-02-15") { ev }
                 series: evmSeries { asOf ev } } } }"""
        with counted_statements(app) as statements:
            result = await gql(client, q)
        assert "errors" not in result, result
        assert len(statements) == 3  # the projects, then the points of every project and date
        for node in result["data"]["projects"]["nodes"]:
            assert [p["asOf"] for p in node["series"]] == ["2026-01-31", "2026-02-28", "2026-03-31"]

    async def test_series_over_different_plans_are_each_rests(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        plans = [("2025-01-01", "2026-12-31"), ("2026-02-01", "2026-04-30"), ("2024-06-01", None)]
        codes = []
        for start, finish in plans:
            project = await make_project(
                client, portfolio["id"], budget=1200, start_date=start, finish_date=finish
            )
            await send(
                client,
                "POST",
                f"/api/v1/projects/{project['code']}/costs",
                {"incurred_on": "2026-03-03", "amount": 75},
            )
            codes.append(project["code"])
        # At most 600 points each, counted in full: three projects fit the cost limit.
        q = f"{{ projects(first: 3) {{ nodes {{ code evmSeries(interval: WEEK) {{ {EVM} }} }} }} }}"
        with counted_statements(app) as statements:
            result = await gql(client, q)
        assert "errors" not in result, result
        for node in result["data"]["projects"]["nodes"]:
            rest = await get_json(
                client, f"/api/v1/projects/{node['code']}/evm/series", interval="week"
            )
            assert node["evmSeries"] == as_graphql(rest["data"]) and node["evmSeries"]
        # The projects, then two statements per group of projects sharing their dates.
        assert len(statements) <= 1 + 2 * len(plans)
