"""GraphQL over programmes answers what REST answers (the programme, its projects, its
portfolio, its rollups, the lists and their pages), and batches its reads: the statements a
query runs do not grow with the number of programmes it reads."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project
from tests.gql import counted_statements, gql
from tests.graphql_registers import SUMMARY, as_graphql, get_json, parsed
from tests.programs.graphql_world import (
    AS_OF,
    EVM,
    HEALTH,
    MATRIX,
    PROGRAM,
    health_as_graphql,
    worked_program,
)


def _rest(body: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = as_graphql(body)
    return converted


class TestReadsEqualRest:
    async def test_a_programme_and_its_rollups_are_what_rest_answers(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await worked_program(client)
        base = f"/api/v1/programs/{program['id']}"
        q = f"""query($id: ID!) {{ program(id: $id) {{ {PROGRAM}
                 evm(asOf: "{AS_OF}") {{ {EVM} }}
                 summary(asOf: "{AS_OF}") {{ {SUMMARY} programId }}
                 early: summary(asOf: "2025-12-20") {{ {SUMMARY} programId }}
                 health healthReport {{ {HEALTH} }}
                 riskMatrix {{ {MATRIX} }} }} }}"""
        result = await gql(client, q, id=program["id"])
        assert "errors" not in result, result
        got = parsed(result["data"]["program"])
        assert {k: got[k] for k in _rest(program)} == _rest(program)
        assert got["status"] == "ACTIVE" and len(got["objectives"]) == 1
        assert got["evm"] == _rest(await get_json(client, f"{base}/evm", as_of=AS_OF))
        summary = await get_json(client, f"{base}/summary", as_of=AS_OF)
        assert got["summary"] == _rest(summary)
        early = await get_json(client, f"{base}/summary", as_of="2025-12-20")
        assert got["early"] == _rest(early) and got["early"]["milestonesDueCount"] == 1
        health = await get_json(client, f"{base}/health")
        assert got["healthReport"] == health_as_graphql(health)
        assert got["health"] == "RED" and len(got["healthReport"]["projects"]) == 2
        assert got["riskMatrix"] == _rest(await get_json(client, f"{base}/risk-matrix"))
        # Sums over its two projects (never the portfolio's third): BAC 1000 + 500.
        assert got["evm"]["rollup"]["bac"] == 1500 and got["riskMatrix"]["openRisks"] == 2

    async def test_projects_portfolio_and_program_link_as_rest_does(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await worked_program(client)
        pid = program["portfolio_id"]
        q = """query($id: ID!, $p: ID!) {
                 program(id: $id) { portfolio { id name }
                   projects(first: 1) { nodes { code programId program { id name } }
                     pageInfo { hasNextPage endCursor } totalCount } }
                 portfolio(id: $p) { programs { nodes { id name } totalCount } }
                 projects(filter: {programId: [$id]}) { nodes { code } } }"""
        result = await gql(client, q, id=program["id"], p=pid)
        assert "errors" not in result, result
        data = result["data"]
        members = await get_json(client, "/api/v1/projects", program_id=program["id"])
        codes = [p["code"] for p in members["data"]]
        assert len(codes) == 2
        got = data["program"]
        portfolio = await get_json(client, f"/api/v1/portfolios/{pid}")
        assert got["portfolio"] == {"id": pid, "name": portfolio["name"]}
        page = got["projects"]
        assert [n["code"] for n in page["nodes"]] == codes[:1]
        assert page["nodes"][0]["program"] == {"id": program["id"], "name": program["name"]}
        assert page["pageInfo"]["hasNextPage"] and page["totalCount"] == 2
        after = await gql(
            client,
            """query($id: ID!, $c: String!) { program(id: $id) {
                 projects(first: 1, after: $c) { nodes { code } } } }""",
            id=program["id"],
            c=page["pageInfo"]["endCursor"],
        )
        assert [n["code"] for n in after["data"]["program"]["projects"]["nodes"]] == codes[1:]
        assert [n["code"] for n in data["projects"]["nodes"]] == codes
        listed = await get_json(client, f"/api/v1/portfolios/{pid}/programs")
        assert data["portfolio"]["programs"]["nodes"] == [
            {"id": p["id"], "name": p["name"]} for p in listed["data"]
        ]
        assert data["portfolio"]["programs"]["totalCount"] == 1
        outside = await make_project(client, pid)
        alone = await gql(
            client, f'{{ project(code: "{outside["code"]}") {{ programId program {{ id }} }} }}'
        )
        assert alone["data"]["project"] == {"programId": None, "program": None}

    async def test_the_lists_and_their_pages_are_rests(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        for n in range(1, 4):
            await worked_program(client, pid, n=n)
        await worked_program(client, n=9)  # another portfolio's
        everything = await get_json(client, "/api/v1/programs")
        assert len(everything["data"]) == 4
        q = """query($p: ID!, $after: String) {
                 programs(filter: {portfolioId: [$p], status: [ACTIVE]}, first: 2, after: $after)
                 { nodes { id } pageInfo { hasNextPage endCursor } totalCount }
                 portfolio(id: $p) { programs(first: 2, after: $after) { nodes { id } } } }"""
        first = (await gql(client, q, p=pid))["data"]
        rest = await get_json(
            client, "/api/v1/programs", portfolio_id=pid, status="active", limit=2
        )
        assert [n["id"] for n in first["programs"]["nodes"]] == [p["id"] for p in rest["data"]]
        assert first["programs"]["totalCount"] == 3
        cursor = first["programs"]["pageInfo"]["endCursor"]
        second = (await gql(client, q, p=pid, after=cursor))["data"]
        rest2 = await get_json(
            client,
            f"/api/v1/portfolios/{pid}/programs",
            limit=2,
            cursor=rest["next_cursor"],
        )
        ids = [p["id"] for p in rest2["data"]]
        assert [n["id"] for n in second["programs"]["nodes"]] == ids
        assert [n["id"] for n in second["portfolio"]["programs"]["nodes"]] == ids
        assert not second["programs"]["pageInfo"]["hasNextPage"]
        found = await gql(client, '{ programs(filter: {q: "Programme 9"}) { nodes { name } } }')
        assert found["data"]["programs"]["nodes"] == [{"name": "Programme 9"}]
        nothing = await gql(client, '{ program(id: "not-an-id") { id } }')
        assert nothing["data"] == {"program": None} and "errors" not in nothing


BATCHED = f"""query($n: Int!) {{ programs(first: $n) {{ nodes {{ id name
  portfolio {{ name programs(first: 5) {{ nodes {{ id }} }} }}
  projects(first: 5) {{ nodes {{ code program {{ name }} }} totalCount }}
  health healthReport {{ health projects {{ code health }} }}
  riskMatrix {{ {MATRIX} }} }} }} }}"""


class TestBatching:
    async def test_statements_do_not_grow_with_the_number_of_programmes(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        await worked_program(client)
        with counted_statements(app) as one:
            small = await gql(client, BATCHED, n=1)
        assert "errors" not in small, small
        for n in range(2, 6):
            await worked_program(client, n=n)
        with counted_statements(app) as five:
            large = await gql(client, BATCHED, n=5)
        assert "errors" not in large, large
        nodes = large["data"]["programs"]["nodes"]
        assert len(nodes) == 5
        assert all(len(n["projects"]["nodes"]) == 2 for n in nodes)
        assert all(p["program"]["name"] == n["name"] for n in nodes for p in n["projects"]["nodes"])
        assert all(n["health"] == "RED" and n["riskMatrix"]["openRisks"] == 2 for n in nodes)
        # The batched answers are the ones each programme gets on its own.
        for node in (nodes[0], nodes[3]):
            base = f"/api/v1/programs/{node['id']}"
            rest = await get_json(client, f"{base}/risk-matrix")
            assert node["riskMatrix"] == _rest(rest)
            health = await get_json(client, f"{base}/health")
            assert node["healthReport"]["projects"] == [
                {"code": p["code"], "health": p["health"].upper()} for p in health["projects"]
            ]
        # The programmes; their portfolios; the portfolios' programmes; the projects; their
        # count; their programmes; health (the programmes, their projects, the projects'
        # facts); the risk matrices (the programmes, the counts).
        assert len(one) == len(five) == 11, (len(one), len(five))

    async def test_summaries_count_as_heavy(self, client: httpx.AsyncClient) -> None:
        heavy = "{ programs(first: 500) { nodes { summary { budgetTotal } } } }"
        refused = await gql(client, heavy)
        assert refused.get("data") is None and "query cost" in refused["errors"][0]["message"]
        fine = "{ programs(first: 20) { nodes { summary { budgetTotal } } } }"
        assert "errors" not in await gql(client, fine)
