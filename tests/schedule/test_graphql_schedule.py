"""Milestones and progress records over GraphQL: create, update and delete over the same
services as REST, with version checks and typed errors."""

from __future__ import annotations

import httpx

from tests.factories import list_all, make_project
from tests.gql import gql, outcome
from tests.graphql_plan import (
    JAN,
    MILESTONE,
    PROGRESS,
    as_graphql,
    get_json,
    parsed,
    without,
)


class TestMutations:
    async def test_milestone_create_update_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, **JAN)
        created = await gql(
            client,
            f"""mutation($p: String!) {{ createMilestone(project: $p, input: {{name: "Gate 1",
                 dueDate: "2026-02-01", weight: 1.5, isGate: true}}) {{
                 {outcome("Milestone", MILESTONE)} }} }}""",
            p=project["code"],
        )
        milestone = created["data"]["createMilestone"]
        assert milestone["__typename"] == "Milestone"
        rest = await get_json(client, f"/api/v1/milestones/{milestone['id']}")
        assert parsed(without(milestone, "__typename")) == as_graphql(rest)
        assert (milestone["weight"], milestone["isGate"], milestone["version"]) == (1.5, True, 1)

        update = f"""mutation($id: ID!, $v: Int) {{ updateMilestone(id: $id,
                      patch: {{completedOn: "2026-01-30", description: null}},
                      expectedVersion: $v) {{ {outcome("Milestone", MILESTONE)} }} }}"""
        stale = (await gql(client, update, id=milestone["id"], v=9))["data"]["updateMilestone"]
        assert stale["__typename"] == "PreconditionFailedError"
        done = (await gql(client, update, id=milestone["id"], v=1))["data"]["updateMilestone"]
        assert (done["status"], done["completedOn"], done["version"]) == (
            "COMPLETED",
            "2026-01-30",
            2,
        )
        rest = await get_json(client, f"/api/v1/milestones/{milestone['id']}")
        assert parsed(without(done, "__typename")) == as_graphql(rest)

        delete = """mutation($id: ID!, $v: Int) { deleteMilestone(id: $id, expectedVersion: $v) {
                      __typename ... on Deleted { id } ... on UserError { code } } }"""
        refused = (await gql(client, delete, id=milestone["id"], v=1))["data"]["deleteMilestone"]
        assert refused == {"__typename": "PreconditionFailedError", "code": "precondition-failed"}
        deleted = (await gql(client, delete, id=milestone["id"], v=2))["data"]["deleteMilestone"]
        assert deleted == {"__typename": "Deleted", "id": milestone["id"]}
        assert (await client.get(f"/api/v1/milestones/{milestone['id']}")).status_code == 404
        again = (await gql(client, delete, id=milestone["id"], v=None))["data"]["deleteMilestone"]
        assert again["__typename"] == "NotFoundError"

    async def test_progress_create_update_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        create = f"""mutation($p: String!, $on: Date!) {{ createProgress(project: $p,
                      input: {{asOf: $on, percentComplete: 12.5, note: "n"}}) {{
                      {outcome("ProgressRecord", PROGRESS)} }} }}"""
        made = (await gql(client, create, p=project["code"], on="2026-01-31"))["data"]
        record = made["createProgress"]
        assert (record["__typename"], record["percentComplete"]) == ("ProgressRecord", 12.5)
        taken = (await gql(client, create, p=project["code"], on="2026-01-31"))["data"]
        assert taken["createProgress"]["__typename"] == "ConflictError"
        update = f"""mutation($id: ID!) {{ updateProgress(id: $id, patch: {{percentComplete: 40}})
                      {{ {outcome("ProgressRecord", PROGRESS)} }} }}"""
        updated = (await gql(client, update, id=record["id"]))["data"]["updateProgress"]
        assert (updated["percentComplete"], updated["version"]) == (40.0, 2)
        rest = await get_json(client, f"/api/v1/progress/{record['id']}")
        assert parsed(without(updated, "__typename")) == as_graphql(rest)
        delete = """mutation($id: ID!) { deleteProgress(id: $id) { __typename } }"""
        deleted = (await gql(client, delete, id=record["id"]))["data"]["deleteProgress"]
        assert deleted == {"__typename": "Deleted"}
        assert (await client.get(f"/api/v1/progress/{record['id']}")).status_code == 404


class TestTypedErrors:
    async def test_invalid_input_names_the_field(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        result = await gql(
            client,
            f"""mutation($p: String!) {{ createMilestone(project: $p,
                 input: {{name: "x", dueDate: "2026-01-01", weight: 0}}) {{
                 {outcome("Milestone", "id")} }} }}""",
            p=project["code"],
        )
        payload = result["data"]["createMilestone"]
        assert payload["__typename"] == "ValidationFailed"
        assert [e["loc"] for e in payload["errors"]] == [["input", "weight"]]
        patch = await gql(
            client,
            f"""mutation {{ createProgress(project: "{project["code"]}",
                 input: {{asOf: "2026-01-01", percentComplete: 101}}) {{
                 {outcome("ProgressRecord", "id")} }} }}""",
        )
        assert [e["loc"] for e in patch["data"]["createProgress"]["errors"]] == [
            ["input", "percentComplete"]
        ]
        assert await list_all(client, f"/api/v1/projects/{project['code']}/milestones") == []
