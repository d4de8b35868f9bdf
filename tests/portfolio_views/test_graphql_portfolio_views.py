"""The portfolio views over GraphQL: a portfolio's risk matrix and summary (at a date, and
today) are REST's, an empty portfolio's included."""

from __future__ import annotations

import httpx

from tests.factories import make_portfolio, make_project
from tests.gql import gql
from tests.graphql_registers import (
    JAN,
    MATRIX,
    SUMMARY,
    as_graphql,
    get_json,
    parsed,
    worked_project,
)


class TestNestedFieldsMatchRest:
    async def test_portfolio_risk_matrix_and_summary(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client, currency="EUR")
        pid = portfolio["id"]
        for _ in range(2):
            await worked_project(client, pid)
        await make_project(client, pid, status="active", budget=50, **JAN)
        empty = await make_portfolio(client)
        await worked_project(client)  # another portfolio's: not counted
        q = f"""query($a: ID!, $b: ID!) {{
                 a: portfolio(id: $a) {{ riskMatrix {{ {MATRIX} }}
                   summary(asOf: "2025-12-20") {{ {SUMMARY} }}
                   today: summary {{ {SUMMARY} }} }}
                 b: portfolio(id: $b) {{ riskMatrix {{ {MATRIX} }}
                   summary(asOf: "2025-12-20") {{ {SUMMARY} }} }} }}"""
        result = await gql(client, q, a=pid, b=empty["id"])
        assert "errors" not in result, result
        for alias, portfolio_id in (("a", pid), ("b", empty["id"])):
            got = parsed(result["data"][alias])
            matrix = await get_json(client, f"/api/v1/portfolios/{portfolio_id}/risk-matrix")
            assert got["riskMatrix"] == as_graphql(matrix)
            summary = await get_json(
                client, f"/api/v1/portfolios/{portfolio_id}/summary", as_of="2025-12-20"
            )
            assert got["summary"] == as_graphql(summary), alias
        got = parsed(result["data"]["a"])
        assert got["riskMatrix"]["openRisks"] == 4 and got["riskMatrix"]["currency"] == "EUR"
        assert got["riskMatrix"]["expectedValue"] == 2 * (500.0 + 900.0)
        assert len(got["summary"]["topRisks"]) == 4
        assert got["summary"]["milestonesDueCount"] == 2  # "c" of each, due 10 Jan
        assert got["today"] == as_graphql(
            await get_json(client, f"/api/v1/portfolios/{pid}/summary")
        )
