"""GraphQL over the same services as REST: queries, batching, mutations, typed errors, limits."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project
from tests.gql import counted_statements, gql

NESTED = """
query { portfolios(first: 50) { nodes { name projects(first: 20) { code portfolio { name } } } } }
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
        assert sum(len(n["projects"]) for n in nodes) == 21
        assert all(p["portfolio"]["name"] == n["name"] for n in nodes for p in n["projects"])
        assert len(large) == len(small) == 3


class TestQueries:
    async def test_project_by_code_and_id(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=99.95)
        q = "query($id: ID, $code: String) { project(id: $id, code: $code) { id code budget } }"
        by_code = await gql(client, q, code=project["code"])
        by_id = await gql(client, q, id=project["id"])
        expected = {"id": project["id"], "code": project["code"], "budget": 99.95}
        assert by_code["data"]["project"] == by_id["data"]["project"] == expected

    async def test_unknown_project_is_null(self, client: httpx.AsyncClient) -> None:
        result = await gql(client, '{ project(code: "NOPE-1") { id } }')
        assert result["data"]["project"] is None

    async def test_projects_connection_pages_and_filters(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        codes = [(await make_project(client, portfolio["id"]))["code"] for _ in range(5)]
        await make_project(client, portfolio["id"], status="active")
        q = """query($after: String) { projects(first: 2, after: $after,
                 filter: {status: [PROPOSED]}) {
                 edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }"""
        seen: list[str] = []
        after = None
        while True:
            page = (await gql(client, q, after=after))["data"]["projects"]
            seen += [e["node"]["code"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == codes

    async def test_page_size_out_of_range_is_an_error(self, client: httpx.AsyncClient) -> None:
        result = await gql(client, "{ projects(first: 501) { nodes { id } } }")
        assert "first must be between 1 and 500" in result["errors"][0]["message"]


class TestMutations:
    async def test_create_and_update_project(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        created = await gql(
            client,
            """mutation($p: ID!) { createProject(input: {code: "GQL-1", portfolioId: $p,
                 name: "Via GraphQL", budget: 1000.5}) {
                 __typename ... on Project { id version status budget currency } } }""",
            p=portfolio["id"],
        )
        project = created["data"]["createProject"]
        assert project["__typename"] == "Project"
        assert (project["version"], project["status"], project["budget"]) == (1, "PROPOSED", 1000.5)

        rest = await client.get("/api/v1/projects/GQL-1")
        assert rest.json()["budget"] == 1000.5

        update = """mutation($v: Int) { updateProject(project: "GQL-1",
                      patch: {status: APPROVED, description: null}, expectedVersion: $v) {
                      __typename ... on Project { version status }
                      ... on UserError { message code } } }"""
        stale = (await gql(client, update, v=7))["data"]["updateProject"]
        assert stale["__typename"] == "PreconditionFailedError"
        fresh = (await gql(client, update, v=1))["data"]["updateProject"]
        assert fresh == {"__typename": "Project", "version": 2, "status": "APPROVED"}

    async def test_invalid_input_is_a_typed_validation_error(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        result = await gql(
            client,
            """mutation($p: ID!) { createProject(input: {code: "bad code", portfolioId: $p,
                 name: "x", priority: 9}) {
                 __typename ... on ValidationFailed { errors { loc type } } } }""",
            p=portfolio["id"],
        )
        payload = result["data"]["createProject"]
        assert payload["__typename"] == "ValidationFailed"
        assert {tuple(e["loc"]) for e in payload["errors"]} == {
            ("input", "code"),
            ("input", "priority"),
        }
        listed = await client.get("/api/v1/projects")
        assert listed.json()["data"] == []

    async def test_disallowed_transition_is_a_conflict(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        result = await gql(
            client,
            """mutation($c: String!) { updateProject(project: $c, patch: {status: COMPLETED}) {
                 __typename ... on UserError { code } } }""",
            c=project["code"],
        )
        assert result["data"]["updateProject"] == {
            "__typename": "ConflictError",
            "code": "conflict",
        }


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
        costly = "{ portfolios(first: 500) { nodes { projects(first: 500) { code name } } } }"
        result = await gql(client, costly)
        assert result.get("data") is None
        assert "query cost" in result["errors"][0]["message"]

    async def test_syntax_errors_are_explained_not_masked(self, client: httpx.AsyncClient) -> None:
        result = await gql(client, "{ projects { nodes { nope } } }")
        assert "Cannot query field 'nope'" in result["errors"][0]["message"]


class TestErrorLocations:
    async def test_field_errors_are_named_as_the_schema_names_them(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = "00000000-0000-7000-8000-000000000000"
        result = await gql(
            client,
            """mutation($p: ID!) { createProject(input: {code: "LOC-1", portfolioId: $p,
                 name: "x"}) { __typename ... on ValidationFailed { errors { loc } } } }""",
            p=missing,
        )
        payload = result["data"]["createProject"]
        assert payload == {
            "__typename": "ValidationFailed",
            "errors": [{"loc": ["input", "portfolioId"]}],
        }

    async def test_patch_errors_are_located_in_the_patch_argument(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, start_date="2026-03-01")
        result = await gql(
            client,
            """mutation($c: String!) { updateProject(project: $c,
                 patch: {finishDate: "2026-02-01"}) {
                 __typename ... on ValidationFailed { errors { loc } } } }""",
            c=project["code"],
        )
        payload = result["data"]["updateProject"]
        assert payload == {
            "__typename": "ValidationFailed",
            "errors": [{"loc": ["patch", "finishDate"]}],
        }
