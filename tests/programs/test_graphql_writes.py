"""GraphQL's programme mutations over REST's services, their typed errors, and the scope rule:
a key limited to portfolios sees the programmes inside them and nothing of the others (null,
absent, NotFoundError: as if they did not exist)."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import make_portfolio, make_project, post_created
from tests.gql import gql, outcome
from tests.graphql_registers import get_json
from tests.programs.graphql_world import PROGRAM, worked_program

CREATE = """mutation($p: ID!, $input: ProgramCreateInput!) {
  createProgram(portfolio: $p, input: $input) { %s } }"""
UPDATE = """mutation($id: ID!, $patch: ProgramPatchInput!, $v: Int) {
  updateProgram(id: $id, patch: $patch, expectedVersion: $v) { %s } }"""
DELETE = """mutation($id: ID!, $v: Int) { deleteProgram(id: $id, expectedVersion: $v) { %s } }"""
RESULT = outcome("Program", PROGRAM)
GONE = outcome("Deleted", "id")


class TestMutations:
    async def test_create_update_delete_as_rest(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        goal = await post_created(client, f"/api/v1/portfolios/{pid}/objectives", {"name": "g"})
        made = await gql(
            client,
            CREATE % RESULT,
            p=pid,
            input={"name": "Moonshot", "objectives": [goal["id"]], "manager": "Bo"},
        )
        program = made["data"]["createProgram"]
        assert program["__typename"] == "Program", made
        assert (program["status"], program["objectives"]) == ("PROPOSED", [goal["id"]])
        rest = await get_json(client, f"/api/v1/programs/{program['id']}")
        assert rest["name"] == "Moonshot" and rest["manager"] == "Bo" and rest["version"] == 1
        patched = await gql(
            client,
            UPDATE % RESULT,
            id=program["id"],
            patch={"status": "ACTIVE", "manager": None},
            v=1,
        )
        assert patched["data"]["updateProgram"]["status"] == "ACTIVE", patched
        rest = await get_json(client, f"/api/v1/programs/{program['id']}")
        assert (rest["status"], rest["manager"], rest["version"]) == ("active", None, 2)
        # A project joins it through GraphQL too (programId), then must leave before a delete.
        project = await make_project(client, pid)
        joined = await gql(
            client,
            """mutation($c: String!, $id: ID!) { updateProject(project: $c,
                 patch: {programId: $id}) { ... on Project { program { name } } } }""",
            c=project["code"],
            id=program["id"],
        )
        assert joined["data"]["updateProject"] == {"program": {"name": "Moonshot"}}
        refused = await gql(client, DELETE % GONE, id=program["id"])
        assert refused["data"]["deleteProgram"]["__typename"] == "ConflictError"
        await client.patch(f"/api/v1/projects/{project['code']}", json={"program_id": None})
        deleted = await gql(client, DELETE % GONE, id=program["id"], v=2)
        assert deleted["data"]["deleteProgram"] == {"__typename": "Deleted", "id": program["id"]}
        assert (await client.get(f"/api/v1/programs/{program['id']}")).status_code == 404


class TestTypedErrors:
    async def test_each_failure_is_its_typed_error(self, client: httpx.AsyncClient) -> None:
        program = await worked_program(client)
        pid = program["portfolio_id"]
        other = await make_portfolio(client)
        foreign = await post_created(
            client, f"/api/v1/portfolios/{other['id']}/objectives", {"name": "theirs"}
        )
        cases = {
            "malformed portfolio": (CREATE % RESULT, {"p": "nope", "input": {"name": "x"}}),
            "missing portfolio": (
                CREATE % RESULT,
                {"p": str(uuid.uuid4()), "input": {"name": "x"}},
            ),
            "malformed id": (UPDATE % RESULT, {"id": "nope", "patch": {"name": "x"}}),
            "missing id": (DELETE % GONE, {"id": str(uuid.uuid4())}),
            "malformed delete": (DELETE % GONE, {"id": "nope"}),
        }
        for label, (query, variables) in cases.items():
            result = await gql(client, query, **variables)
            assert "errors" not in result, (label, result)
            (value,) = result["data"].values()
            assert value["__typename"] == "NotFoundError", (label, value)
        taken = await gql(client, CREATE % RESULT, p=pid, input={"name": program["name"]})
        assert taken["data"]["createProgram"]["__typename"] == "ConflictError"
        bad = await gql(
            client, CREATE % RESULT, p=pid, input={"name": "y", "objectives": [foreign["id"]]}
        )
        answer = bad["data"]["createProgram"]
        assert answer["__typename"] == "ValidationFailed", bad
        assert answer["errors"] == [{"loc": ["input", "objectives"], "type": "not_found"}]
        empty = await gql(client, UPDATE % RESULT, id=program["id"], patch={"name": None})
        assert empty["data"]["updateProgram"]["__typename"] == "ValidationFailed"
        stale = await gql(client, UPDATE % RESULT, id=program["id"], patch={"name": "z"}, v=99)
        assert stale["data"]["updateProgram"]["__typename"] == "PreconditionFailedError"
        # A project names a programme of its own portfolio only.
        elsewhere = await gql(
            client,
            """mutation($p: ID!, $g: ID!) { createProject(input: {code: "GQL-PRG-1",
                 portfolioId: $p, programId: $g, name: "x"}) {
                 __typename ... on ValidationFailed { errors { loc type } } } }""",
            p=other["id"],
            g=program["id"],
        )
        assert elsewhere["data"]["createProject"] == {
            "__typename": "ValidationFailed",
            "errors": [{"loc": ["input", "programId"], "type": "other_portfolio"}],
        }

    async def test_a_viewer_reads_but_does_not_write(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        program = await worked_program(client)
        viewer = await harness.make_key(app, Role.viewer)
        async with harness.http_client(app, viewer) as as_viewer:
            read = await gql(
                as_viewer, "query($id: ID!) { program(id: $id) { name } }", id=program["id"]
            )
            assert read["data"]["program"] == {"name": program["name"]}
            writes = await gql(
                as_viewer,
                """mutation($p: ID!, $id: ID!) {
                     a: createProgram(portfolio: $p, input: {name: "v"}) { __typename }
                     b: updateProgram(id: $id, patch: {name: "v"}) { __typename }
                     c: deleteProgram(id: $id) { __typename } }""",
                p=program["portfolio_id"],
                id=program["id"],
            )
        assert all(v == {"__typename": "ForbiddenError"} for v in writes["data"].values()), writes


class TestScope:
    async def test_a_limited_key_sees_no_other_portfolios_programme(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        mine = await worked_program(client, n=1)
        theirs = await worked_program(client, n=2)
        key = await harness.make_key(app, Role.editor, [uuid.UUID(mine["portfolio_id"])])
        their_projects = await get_json(client, "/api/v1/projects", program_id=theirs["id"])
        secrets = {theirs["id"], theirs["name"], theirs["portfolio_id"]} | {
            p["code"] for p in their_projects["data"]
        }
        async with harness.http_client(app, key) as limited:
            reads = await limited.post(
                "/graphql",
                json={
                    "query": """query($mine: ID!, $theirs: ID!, $tp: ID!) {
                      mine: program(id: $mine) { id projects { totalCount } health }
                      theirs: program(id: $theirs) { id name }
                      programs { nodes { id projects { nodes { code } } } totalCount }
                      all: programs(filter: {portfolioId: [$tp]}) { nodes { id } totalCount }
                      portfolio(id: $tp) { programs { nodes { id } } }
                      projects(filter: {programId: [$theirs]}) { nodes { code } } }""",
                    "variables": {
                        "mine": mine["id"],
                        "theirs": theirs["id"],
                        "tp": theirs["portfolio_id"],
                    },
                },
            )
            writes = await gql(
                limited,
                """mutation($p: ID!, $id: ID!) {
                     a: createProgram(portfolio: $p, input: {name: "sneaky"}) { __typename }
                     b: updateProgram(id: $id, patch: {name: "mine now"}) { __typename }
                     c: deleteProgram(id: $id) { __typename } }""",
                p=theirs["portfolio_id"],
                id=theirs["id"],
            )
        data = reads.json()["data"]
        assert "errors" not in reads.json(), reads.json()
        assert data["mine"]["id"] == mine["id"] and data["mine"]["projects"]["totalCount"] == 2
        assert data["theirs"] is None and data["portfolio"] is None
        assert [n["id"] for n in data["programs"]["nodes"]] == [mine["id"]]
        assert data["programs"]["totalCount"] == 1
        assert data["all"] == {"nodes": [], "totalCount": 0}
        assert data["projects"]["nodes"] == []
        assert not {s for s in secrets if s in reads.text}
        assert all(v == {"__typename": "NotFoundError"} for v in writes["data"].values()), writes
        after = await get_json(client, f"/api/v1/programs/{theirs['id']}")
        assert after["name"] == theirs["name"] and after["version"] == theirs["version"]
        names = [p["name"] for p in (await get_json(client, "/api/v1/programs"))["data"]]
        assert "sneaky" not in names
