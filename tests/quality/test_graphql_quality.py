"""Quality reviews over GraphQL: project.qualityReviews and qualityReview.findings answer as
REST does, batched (the statements do not grow with the projects shown), the root lists, and
the mutations over the same services."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project, post_created
from tests.gql import counted_statements, gql, outcome

REVIEW = (
    "id projectId projectCode portfolioId kind title reviewer heldOn summary status createdAt "
    "updatedAt version"
)
FINDING = (
    "id reviewId projectId projectCode portfolioId severity description actionItemId "
    "actionOwner actionDueDate actionStatus createdAt updatedAt version"
)
_ENUMS = {"kind", "status", "severity", "action_status"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _as_graphql(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("created_at", "updated_at"):
            value = datetime.fromisoformat(value)
        elif key in _ENUMS and isinstance(value, str):
            value = value.upper()
        out[_camel(key)] = value
    return out


def _parsed(node: dict[str, Any]) -> dict[str, Any]:
    return {
        k: datetime.fromisoformat(v) if k in ("createdAt", "updatedAt") else v
        for k, v in node.items()
        if k != "findings"
    }


async def _reviewed_project(client: httpx.AsyncClient, portfolio_id: str) -> dict[str, Any]:
    project = await make_project(client, portfolio_id)
    review = await post_created(
        client,
        f"/api/v1/projects/{project['code']}/quality-reviews",
        {"kind": "health_check", "title": "Health check", "reviewer": "Ada"},
    )
    await post_created(
        client,
        f"/api/v1/quality-reviews/{review['id']}/findings",
        {"severity": "critical", "description": "No risk register", "action_owner": "Bob"},
    )
    return project


class TestReads:
    async def test_nested_fields_match_rest(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        project = await _reviewed_project(client, portfolio["id"])
        q = f"""query($c: String) {{ project(code: $c) {{
                 qualityReviews(first: 5) {{ totalCount nodes {{ {REVIEW}
                   findings(first: 5) {{ {FINDING} }} }} }}
                 none: qualityReviews(filter: {{kind: [AUDIT]}}) {{ nodes {{ id }} }} }} }}"""
        result = await gql(client, q, c=project["code"])
        assert "errors" not in result, result
        got = result["data"]["project"]
        rest = (await client.get(f"/api/v1/projects/{project['code']}/quality-reviews")).json()
        assert got["qualityReviews"]["totalCount"] == 1
        node = got["qualityReviews"]["nodes"][0]
        assert _parsed(node) == _as_graphql(rest["data"][0])
        findings = (await client.get(f"/api/v1/quality-reviews/{node['id']}/findings")).json()
        assert [_parsed(f) for f in node["findings"]] == [_as_graphql(f) for f in findings["data"]]
        assert node["findings"][0]["actionStatus"] == "OPEN"
        assert got["none"]["nodes"] == []

    async def test_batched(self, client: httpx.AsyncClient, app: FastAPI) -> None:
        async def statements(projects: int) -> int:
            portfolio = await make_portfolio(client)
            for _ in range(projects):
                await _reviewed_project(client, portfolio["id"])
            q = """query($p: ID!) { portfolio(id: $p) { projects(first: 10) { nodes {
                     qualityReviews(first: 5) { nodes { id
                       findings(first: 5) { id actionStatus } } } } } } }"""
            with counted_statements(app) as seen:
                result = await gql(client, q, p=portfolio["id"])
            assert "errors" not in result, result
            nodes = result["data"]["portfolio"]["projects"]["nodes"]
            assert [len(n["qualityReviews"]["nodes"][0]["findings"]) for n in nodes] == [
                1
            ] * projects
            return len(seen)

        assert await statements(1) == await statements(4)

    async def test_root_lists(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        project = await _reviewed_project(client, portfolio["id"])
        q = """query($p: [ID!]) {
                 qualityReviews(filter: {portfolioId: $p}) { nodes { id projectCode } }
                 qualityFindings(filter: {portfolioId: $p, open: true, severity: [CRITICAL]}) {
                   nodes { id severity } }
                 closed: qualityFindings(filter: {portfolioId: $p, open: false}) { nodes { id } }
               }"""
        result = await gql(client, q, p=[portfolio["id"]])
        assert "errors" not in result, result
        data = result["data"]
        assert [n["projectCode"] for n in data["qualityReviews"]["nodes"]] == [project["code"]]
        assert [n["severity"] for n in data["qualityFindings"]["nodes"]] == ["CRITICAL"]
        assert data["closed"]["nodes"] == []
        one = await gql(
            client,
            "query($id: ID!) { qualityFinding(id: $id) { id } qualityReview(id: $id) { id } }",
            id=data["qualityFindings"]["nodes"][0]["id"],
        )
        assert one["data"]["qualityFinding"] is not None and one["data"]["qualityReview"] is None


class TestMutations:
    async def test_create_update_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        created = await gql(
            client,
            f"""mutation($p: String!) {{ createQualityReview(project: $p,
                  input: {{kind: PEER_REVIEW, title: "Code review"}}) {{
                  {outcome("QualityReview", "id status version")} }} }}""",
            p=project["code"],
        )
        review = created["data"]["createQualityReview"]
        assert (review["status"], review["version"]) == ("PLANNED", 1)
        finding = (
            await gql(
                client,
                f"""mutation($r: ID!) {{ createQualityFinding(review: $r,
                      input: {{severity: LOW, description: "Lint", actionDueDate: "2026-02-01"}})
                      {{ {outcome("QualityFinding", "id actionItemId actionStatus")} }} }}""",
                r=review["id"],
            )
        )["data"]["createQualityFinding"]
        assert finding["actionStatus"] == "OPEN" and finding["actionItemId"]
        updated = await gql(
            client,
            f"""mutation($id: ID!) {{ updateQualityFinding(id: $id, expectedVersion: 1,
                  patch: {{actionStatus: DONE}}) {{
                  {outcome("QualityFinding", "actionStatus")} }} }}""",
            id=finding["id"],
        )
        assert updated["data"]["updateQualityFinding"]["actionStatus"] == "DONE"
        item = (await client.get(f"/api/v1/action-items/{finding['actionItemId']}")).json()
        assert item["status"] == "done"
        patched = await gql(
            client,
            f"""mutation($id: ID!) {{ updateQualityReview(id: $id, patch: {{status: CLOSED}}) {{
                  {outcome("QualityReview", "status version")} }} }}""",
            id=review["id"],
        )
        assert patched["data"]["updateQualityReview"] == {
            "__typename": "QualityReview",
            "status": "CLOSED",
            "version": 2,
        }
        refused = await gql(
            client,
            f"""mutation($r: ID!) {{ createQualityFinding(review: $r,
                  input: {{severity: LOW, description: "Late"}}) {{
                  {outcome("QualityFinding", "id")} }} }}""",
            r=review["id"],
        )
        assert refused["data"]["createQualityFinding"]["__typename"] != "QualityFinding"
        missing = await gql(
            client,
            f"""mutation {{ createQualityFinding(review: "nope",
                  input: {{severity: LOW, description: "x"}}) {{
                  {outcome("QualityFinding", "id")} }} }}""",
        )
        assert re.search("not", str(missing["data"]["createQualityFinding"]))
        deleted = await gql(
            client,
            "mutation($id: ID!) { deleteQualityReview(id: $id) { __typename } }",
            id=review["id"],
        )
        assert "errors" not in deleted, deleted
        gone = await client.get(f"/api/v1/action-items/{finding['actionItemId']}")
        assert gone.status_code == 404
