"""Projects over GraphQL, the same services as REST: queries by id and code, the connection's
pages and filters, and mutations with their typed errors."""

from __future__ import annotations

import httpx

from tests.factories import make_portfolio, make_project
from tests.gql import gql


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
