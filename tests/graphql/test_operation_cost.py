"""The cost limit holds (issue 13): an operation is costed with the values it sends (literals
and variables alike) and every list at its real bound, refused before any statement runs;
REST's bounds on filters; the rate limit charged by cost; the time budget."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from pmo_api.graphql.operation_limits import object_lists
from pmo_api.graphql.schema import build_schema
from pmo_api.settings import Settings
from tests.factories import make_portfolio, make_project
from tests.gql import counted_statements, gql

# The probe of issue 13: two aliases, each 500 projects with their budget lines.
PROBE = """query($n: Int!) {
  a: projects(first: $n) { nodes { code budgetLines { period amount category } } }
  b: projects(first: $n) { nodes { code budgetLines { period amount category } } }
}"""


async def cost_of(client: httpx.AsyncClient, query: str, **variables: object) -> int:
    result = await gql(client, query, **variables)
    assert "errors" not in result, result
    cost: int = result["extensions"]["cost"]
    return cost


class TestCostWithVariables:
    async def test_the_cost_is_the_same_for_literals_and_variables(
        self, client: httpx.AsyncClient
    ) -> None:
        shape = (
            "{{ projects(first: {n}) {{ nodes {{ code milestones(first: {m}) {{ name }} }} }} }}"
        )
        literal = await cost_of(client, shape.format(n=40, m=7))
        variables = """query($n: Int!, $m: Int = 1) {
            projects(first: $n) { nodes { code milestones(first: $m) { name } } } }"""
        assert await cost_of(client, variables, n=40, m=7) == literal == 1 + 40 * (1 + 1 + 1 + 7)
        defaults = "query($n: Int = 40) { projects(first: $n) { nodes { code } } }"
        assert await cost_of(client, defaults) == await cost_of(client, defaults, n=40)

    async def test_a_variable_page_is_refused_like_the_literal(
        self, client: httpx.AsyncClient
    ) -> None:
        # A small default in the operation no longer stands for what is sent.
        query = """query($n: Int = 1) {
            projects(first: $n) { nodes { milestones { name dueDate weight status } } } }"""
        sent = await gql(client, query, n=500)
        literal = await gql(client, query.replace("($n: Int = 1)", "").replace("$n", "500"))
        for refused in (sent, literal):
            assert refused["data"] is None
            error = refused["errors"][0]
            assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED", error
            assert error["extensions"]["limit"] == 50_000
        assert sent["errors"][0]["extensions"]["cost"] == literal["errors"][0]["extensions"]["cost"]

    async def test_the_probe_is_refused_before_it_runs(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        await make_project(client, portfolio["id"])
        with counted_statements(app) as statements:
            refused = await gql(client, PROBE, n=500)
        assert refused["data"] is None
        extensions = refused["errors"][0]["extensions"]
        assert extensions["code"] == "COST_LIMIT_EXCEEDED"
        assert extensions["cost"] > 2 * 500 * 5000  # every line a baseline may hold
        assert statements == []  # refused before any read

    def test_every_list_of_objects_is_bounded(self) -> None:
        schema = build_schema(Settings())
        assert list(object_lists(schema._schema)) == []

    async def test_nested_lists_count_at_their_bounds(self, client: httpx.AsyncClient) -> None:
        lines = '{ project(code: "X") { budgetLines { amount } } }'
        assert await cost_of(client, lines) == 1 + 1 + 5000
        series = """{ project(code: "X") {
            evmSeries(from: "2026-01-01", to: "2026-12-31") { pv } } }"""
        assert await cost_of(client, series) == 1 + 1 + 12
        unbounded_series = '{ project(code: "X") { evmSeries { pv } } }'
        assert await cost_of(client, unbounded_series) == 1 + 1 + 600


class TestFilterBounds:
    async def test_filters_get_rests_bounds(self, client: httpx.AsyncClient) -> None:
        long_q = await gql(
            client,
            "query($q: String) { projects(filter: {q: $q}) { nodes { code } } }",
            q="x" * 201,
        )
        assert long_q["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "200" in long_q["errors"][0]["message"]
        many = await gql(
            client,
            "query($c: [String!]) { projects(filter: {code: $c}) { nodes { code } } }",
            c=[f"P{i}" for i in range(51)],
        )
        assert many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        fine = await gql(
            client,
            'query($c: [String!]) { projects(filter: {code: $c, q: "P"}) { nodes { code } } }',
            c=[f"P{i}" for i in range(50)],
        )
        assert "errors" not in fine, fine


class TestRefusals:
    async def test_every_refusal_carries_a_code_and_logs_no_error(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        deep = "{ projects { nodes { " + "portfolio { projects { nodes { " * 5 + "id"
        deep += " } } }" * 5 + " } } }"
        cases = {
            "{ projects { nodes { nope } } }": "GRAPHQL_VALIDATION_FAILED",
            "{ projects { ": "GRAPHQL_PARSE_FAILED",
            deep: "DEPTH_LIMIT_EXCEEDED",
            "{ projects(first: 501) { nodes { code } } }": "BAD_USER_INPUT",
        }
        with caplog.at_level(logging.INFO):
            for query, code in cases.items():
                result = await gql(client, query)
                assert result["errors"][0]["extensions"]["code"] == code, (query, result)
            wrong_type = await gql(
                client, "query($n: Int) { projects(first: $n) { pageInfo { hasNextPage } } }", n="x"
            )
            assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert any(r.getMessage() == "graphql request refused" for r in caplog.records)


@pytest.fixture
async def strict_app(database_url: str) -> AsyncIterator[FastAPI]:
    settings = harness.test_settings(database_url, rate_limit_per_minute=300, graphql_timeout_ms=1)
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


class TestBudgets:
    async def test_rate_limit_charges_the_cost_and_time_budget_stops(
        self, strict_app: FastAPI
    ) -> None:
        from tests.access.test_limits import start_of_a_fresh_window

        key = await harness.make_key(strict_app, Role.viewer)
        await start_of_a_fresh_window()
        # 1 + 500 projects x (code, risks, 40 x (nodes, title)) = 41,001: 206 requests of 300
        heavy = "{ projects(first: 500) { nodes { code risks(first: 40) { nodes { title } } } } }"
        async with harness.http_client(strict_app, key) as caller:
            first = (await caller.post("/graphql", json={"query": heavy})).json()
            second = (await caller.post("/graphql", json={"query": heavy})).json()
        # The first ran (into its 1 ms time budget), the second is over the key's minute.
        assert first["errors"][0]["extensions"]["code"] == "TIMEOUT", first
        assert second["errors"][0]["extensions"]["code"] == "RATE_LIMITED", second
        assert 1 <= second["errors"][0]["extensions"]["retryAfter"] <= 60
