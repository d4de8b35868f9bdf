"""Gate reviews over GraphQL: created, updated, decided and deleted over the same services as
REST; `project.gateReviews` and `milestone.gateReviews` answer as REST's lists, batched."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import list_all, make_project, post_created
from tests.gql import counted_statements, gql, outcome

REVIEW = (
    "id projectId milestoneId scheduledOn open decision decidedOn overrideReason: override "
    "{ reason } criteria { key text level result } reviewers { name vote } "
    "conditions { title owner dueDate } supersededBy version"
)


async def _project_with_gate(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    project = await make_project(client, status="active")
    gate = await post_created(
        client,
        f"/api/v1/projects/{project['code']}/milestones",
        {"name": "Gate", "due_date": "2026-03-31", "is_gate": True},
    )
    return project, gate


async def _create(client: httpx.AsyncClient, code: str, gate_id: str) -> dict[str, Any]:
    q = f"""mutation($p: String!, $m: ID!) {{ createGateReview(project: $p, input: {{
        milestoneId: $m, scheduledOn: "2026-03-20",
        criteria: [{{text: "Business case", level: MUST}}, {{text: "Plan", level: SHOULD}}],
        reviewers: [{{name: "Ana"}}] }}) {{ {outcome("GateReview", REVIEW)} }} }}"""
    result = await gql(client, q, p=code, m=gate_id)
    assert "errors" not in result, result
    created: dict[str, Any] = result["data"]["createGateReview"]
    assert created["__typename"] == "GateReview", created
    return created


class TestMutations:
    async def test_create_update_decide(self, client: httpx.AsyncClient) -> None:
        project, gate = await _project_with_gate(client)
        review = await _create(client, project["code"], gate["id"])
        assert review["open"] is True and review["criteria"][0]["result"] is None
        again = await gql(
            client,
            f"""mutation($p: String!, $m: ID!) {{ createGateReview(project: $p,
                input: {{milestoneId: $m}}) {{ {outcome("GateReview", REVIEW)} }} }}""",
            p=project["code"],
            m=gate["id"],
        )
        assert again["data"]["createGateReview"]["__typename"] == "ConflictError"

        decide = f"""mutation($id: ID!, $input: GateDecisionInput!) {{
            decideGateReview(id: $id, input: $input) {{ {outcome("GateReview", REVIEW)} }} }}"""
        refused = await gql(client, decide, id=review["id"], input={"decision": "GO"})
        answer = refused["data"]["decideGateReview"]
        assert answer["__typename"] == "ValidationFailed"
        assert ["input", "override"] in [e["loc"][:2] for e in answer["errors"]]

        patch = f"""mutation($id: ID!) {{ updateGateReview(id: $id, expectedVersion: 1, patch: {{
            criteria: [{{text: "Business case", level: MUST, result: MET}},
                       {{text: "Plan", level: SHOULD, result: NOT_APPLICABLE}}],
            reviewers: [{{name: "Ana", vote: GO}}] }}) {{ {outcome("GateReview", REVIEW)} }} }}"""
        updated = (await gql(client, patch, id=review["id"]))["data"]["updateGateReview"]
        assert updated["__typename"] == "GateReview", updated
        assert [c["result"] for c in updated["criteria"]] == ["MET", "NOT_APPLICABLE"]
        rest = (await client.get(f"/api/v1/gate-reviews/{review['id']}")).json()
        assert [c["result"] for c in rest["criteria"]] == ["met", "n/a"]

        decision = {
            "decision": "GO",
            "decidedOn": "2026-03-22",
            "conditions": [{"title": "Hire a tester", "owner": "Bo", "dueDate": "2026-04-30"}],
        }
        done = (await gql(client, decide, id=review["id"], input=decision))["data"]
        decided = done["decideGateReview"]
        assert decided["__typename"] == "GateReview", decided
        assert (decided["decision"], decided["decidedOn"], decided["open"]) == (
            "GO",
            "2026-03-22",
            False,
        )
        assert decided["conditions"] == [
            {"title": "Hire a tester", "owner": "Bo", "dueDate": "2026-04-30"}
        ]
        milestone = (await client.get(f"/api/v1/milestones/{gate['id']}")).json()
        assert milestone["completed_on"] == "2026-03-22"

        delete = f'mutation {{ deleteGateReview(id: "{review["id"]}") {{ __typename }} }}'
        gone = (await gql(client, delete))["data"]["deleteGateReview"]
        assert gone["__typename"] == "ConflictError"


class TestNestedFields:
    async def test_project_and_milestone_reviews_match_rest(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        codes = []
        for _ in range(3):
            project, gate = await _project_with_gate(client)
            first = await _create(client, project["code"], gate["id"])
            await client.post(
                f"/api/v1/gate-reviews/{first['id']}/decision",
                json={"decision": "recycle", "override": {"reason": "not ready"}},
            )
            await _create(client, project["code"], gate["id"])
            codes.append(project["code"])
        q = """query($codes: [String!]) { projects(first: 5, filter: {code: $codes}) {
                 nodes { code
                 gateReviews(first: 5) { totalCount nodes { id decision supersededBy } }
                 open: gateReviews(first: 5, filter: {open: true}) { nodes { id } }
                 milestones(first: 5) { id gateReviews(first: 5) { id } } } } }"""
        with counted_statements(app) as statements:
            result = await gql(client, q, codes=codes)
        assert "errors" not in result, result
        nodes = result["data"]["projects"]["nodes"]
        assert len(nodes) == 3
        for node in nodes:
            rest = await list_all(client, f"/api/v1/projects/{node['code']}/gate-reviews")
            assert [n["id"] for n in node["gateReviews"]["nodes"]] == [r["id"] for r in rest]
            assert node["gateReviews"]["totalCount"] == 2
            assert node["gateReviews"]["nodes"][0]["supersededBy"] == rest[1]["id"]
            assert [n["id"] for n in node["open"]["nodes"]] == [rest[1]["id"]]
            assert [r["id"] for r in node["milestones"][0]["gateReviews"]] == [
                r["id"] for r in rest
            ]
        reviews = [s for s in statements if "gate_reviews" in s]
        assert len(reviews) <= 4, reviews  # batched: not one statement per project

    async def test_root_feed(self, client: httpx.AsyncClient) -> None:
        project, gate = await _project_with_gate(client)
        review = await _create(client, project["code"], gate["id"])
        q = """query($p: [String!]) { gateReviews(filter: {project: $p, open: true}) {
                 nodes { id projectCode } } }"""
        result = await gql(client, q, p=[project["code"]])
        assert result["data"]["gateReviews"]["nodes"] == [
            {"id": review["id"], "projectCode": project["code"]}
        ]
        one = await gql(client, f'{{ gateReview(id: "{review["id"]}") {{ id open }} }}')
        assert one["data"]["gateReview"] == {"id": review["id"], "open": True}
