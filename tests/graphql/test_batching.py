"""GraphQL batches its reads: the number of SQL statements a query runs does not grow with the
number of portfolios and projects it reads, nested projects, risks, KPIs, status reports and
risk matrices included; and the answers are the ones each object gets on its own."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project
from tests.gql import counted_statements, gql
from tests.graphql_registers import (
    JAN,
    MATRIX,
    as_graphql,
    get_json,
    send,
    worked_project,
)

NESTED = """
query { portfolios(first: 50) { nodes { name
  projects(first: 20) { nodes { code portfolio { name } } } } } }
"""


BATCHED = """
query($n: Int! = 30) { projects(first: $n) { nodes {
  code health
  risks(filter: {status: [OPEN, MITIGATING]}, first: 5) {
    nodes { title score severity expectedValue } pageInfo { hasNextPage } }
  kpis(asOf: "2026-01-04") { kpiCode value status measuredOn }
  statusReports(first: 5) { nodes { periodEnd state } }
} } }
"""


class TestBatching:
    async def test_nested_query_statement_count_does_not_grow_with_rows(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        first = await make_portfolio(client)
        await make_project(client, first["id"])
        with counted_statements(app) as small:
            result = await gql(client, NESTED)
        assert "errors" not in result

        for _ in range(4):
            portfolio = await make_portfolio(client)
            for _ in range(5):
                await make_project(client, portfolio["id"])
        with counted_statements(app) as large:
            result = await gql(client, NESTED)
        assert "errors" not in result
        nodes = result["data"]["portfolios"]["nodes"]
        assert sum(len(n["projects"]["nodes"]) for n in nodes) == 21
        pairs = [(p, n) for n in nodes for p in n["projects"]["nodes"]]
        assert all(p["portfolio"]["name"] == n["name"] for p, n in pairs)
        assert len(large) == len(small) == 3

    async def test_statements_do_not_grow_with_the_number_of_projects(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        for _ in range(3):
            await worked_project(client, portfolio["id"])
        with counted_statements(app) as three:
            small = await gql(client, BATCHED, n=3)
        assert "errors" not in small, small

        for i in range(27):
            project = await make_project(client, portfolio["id"], budget=100 + i, **JAN)
            base = f"/api/v1/projects/{project['code']}"
            risk = {"title": f"r{i}", "probability": 1 + i % 5, "impact": 1 + i % 4}
            await send(client, "POST", f"{base}/risks", risk)
            value = {"measured_on": "2026-01-01", "value": i % 10}
            await send(client, "POST", f"{base}/kpis/happiness/measurements", value)
            await send(client, "POST", f"{base}/status-reports", {"period_end": "2026-01-31"})
        with counted_statements(app) as thirty:
            large = await gql(client, BATCHED, n=30)
        assert "errors" not in large, large

        nodes = large["data"]["projects"]["nodes"]
        assert len(nodes) == 30
        assert [len(n["risks"]["nodes"]) for n in nodes] == [2] * 3 + [1] * 27
        assert all(len(n["statusReports"]["nodes"]) == 1 for n in nodes)
        # The batched answers are the ones each project gets on its own.
        for node in (nodes[0], nodes[17]):
            base = f"/api/v1/projects/{node['code']}"
            alone = await get_json(client, f"{base}/kpis", as_of="2026-01-04")
            assert node["kpis"] == [
                {k: as_graphql(row)[k] for k in node["kpis"][0]} for row in alone["data"]
            ]
            health = await get_json(client, f"{base}/health")
            # Null (not started) for a project not in flight, alike in both.
            assert node["health"] == (health["health"] and health["health"].upper())
        # The projects; health; risks; statusReports; kpis: the definitions, the latest
        # measurements, the earned-value inputs, the milestones on time, the open exposure,
        # the span of the allocations (none here: no planned hours to read), the hours worked,
        # the overdue action items, compliance (the projects' stamps, then one statement for
        # every rule over those not judged before) and the open issues (issue 16's open_issues
        # KPI).
        assert len(three) == len(thirty) == 15, (three, thirty)

    async def test_portfolios_risk_matrices_are_one_statement(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        for _ in range(4):
            await worked_project(client, (await make_portfolio(client))["id"])
        q = f"{{ portfolios {{ nodes {{ id riskMatrix {{ {MATRIX} }} }} }} }}"
        with counted_statements(app) as statements:
            result = await gql(client, q)
        assert "errors" not in result, result
        assert len(statements) == 2  # the portfolios, then every matrix
        for node in result["data"]["portfolios"]["nodes"]:
            rest = await get_json(client, f"/api/v1/portfolios/{node['id']}/risk-matrix")
            assert node["riskMatrix"] == as_graphql(rest)

    async def test_summaries_count_as_heavy(self, client: httpx.AsyncClient) -> None:
        # 500 portfolios x a summary counted as 200 fields > 50,000
        heavy = "{ portfolios(first: 500) { nodes { summary { budgetTotal } } } }"
        refused = await gql(client, heavy)
        assert refused.get("data") is None and "query cost" in refused["errors"][0]["message"]
        fine = "{ portfolios(first: 20) { nodes { summary { budgetTotal } } } }"
        assert "errors" not in await gql(client, fine)
