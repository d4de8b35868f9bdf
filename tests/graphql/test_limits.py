"""The limits of a GraphQL query: its depth, and its cost with nested lists counted at their
assumed size; syntax errors explained, not masked."""

from __future__ import annotations

import httpx

from tests.gql import gql


class TestLimits:
    async def test_query_deeper_than_the_limit_is_refused(self, client: httpx.AsyncClient) -> None:
        deep = (
            "{ projects { nodes { " + "portfolio { projects { " * 5 + "id" + " } }" * 5 + " } } }"
        )
        result = await gql(client, deep)
        assert result.get("data") is None
        assert "exceeds maximum operation depth" in result["errors"][0]["message"]

    async def test_query_costlier_than_the_limit_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        costly = (
            "{ portfolios(first: 500) { nodes { projects(first: 500) { nodes { code name } } } } }"
        )
        result = await gql(client, costly)
        assert result.get("data") is None
        assert "query cost" in result["errors"][0]["message"]

    async def test_syntax_errors_are_explained_not_masked(self, client: httpx.AsyncClient) -> None:
        result = await gql(client, "{ projects { nodes { nope } } }")
        assert "Cannot query field 'nope'" in result["errors"][0]["message"]


class TestCostLimit:
    async def test_nested_lists_count_at_their_bounds(self, client: httpx.AsyncClient) -> None:
        # 20 projects * (2 fields + 600 points at most * 6 figures) > 50,000
        series = "{ projects(first: 20) { nodes { code evmSeries { bac pv ev ac cpi spi } } } }"
        refused = await gql(client, series)
        assert refused.get("data") is None and "query cost" in refused["errors"][0]["message"]
        # An omitted `first` counts at its default: 50 portfolios x 50 projects x 500 milestones.
        nested = "{ portfolios { nodes { projects { nodes { milestones { name } } } } } }"
        assert "query cost" in (await gql(client, nested))["errors"][0]["message"]
        fine = """{ projects(first: 100) { nodes { milestones(first: 20) { name }
                   costs(first: 3) { nodes { amount } } } } }"""
        assert "errors" not in await gql(client, fine)
