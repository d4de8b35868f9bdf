"""`project.actionItems`, `project.decisions` and `project.changeRequests` are batched: the
statements a query runs do not grow with the number of projects it reads, and each project's
page is its own."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project, post_created
from tests.gql import counted_statements, gql

GOVERNANCE = """
query($p: [ID!]) { projects(first: 50, filter: {portfolioId: $p}) { nodes { code
  actionItems(first: 5, filter: {status: [OPEN]}) { nodes { title projectCode } totalCount }
  decisions(first: 5) { nodes { title projectCode } }
  changeRequests(first: 5) { nodes { title projectCode } pageInfo { hasNextPage } }
} } }
"""


async def _governed(client: httpx.AsyncClient, portfolio_id: str, n: int) -> None:
    for i in range(n):
        code = (await make_project(client, portfolio_id))["code"]
        base = f"/api/v1/projects/{code}"
        await post_created(client, f"{base}/action-items", {"title": f"a-{code}"})
        await post_created(client, f"{base}/action-items", {"title": "x", "status": "done"})
        await post_created(client, f"{base}/decisions", {"title": f"d-{code}"})
        for _ in range(i % 2 + 1):
            body = {"title": f"c-{code}", "category": "scope"}
            await post_created(client, f"{base}/change-requests", body)


class TestBatching:
    async def test_statement_count_does_not_grow_with_projects(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        small = await make_portfolio(client)
        await _governed(client, small["id"], 1)
        with counted_statements(app) as few:
            result = await gql(client, GOVERNANCE, p=[small["id"]])
        assert "errors" not in result, result

        large = await make_portfolio(client)
        await _governed(client, large["id"], 12)
        with counted_statements(app) as many:
            result = await gql(client, GOVERNANCE, p=[large["id"]])
        assert "errors" not in result, result
        assert len(many) == len(few)
        nodes = result["data"]["projects"]["nodes"]
        assert len(nodes) == 12
        for node in nodes:
            code = node["code"]
            assert node["actionItems"]["nodes"] == [{"title": f"a-{code}", "projectCode": code}]
            assert node["actionItems"]["totalCount"] == 1
            assert node["decisions"]["nodes"] == [{"title": f"d-{code}", "projectCode": code}]
            assert {c["projectCode"] for c in node["changeRequests"]["nodes"]} == {code}
        assert sorted(len(n["changeRequests"]["nodes"]) for n in nodes) == [1] * 6 + [2] * 6
