"""Connections a frontend can page and trust (issue 12): `totalCount` equals the REST count for
the same scope, `portfolio.projects` pages with `after` as REST does, and portfolio objectives
are in the schema."""

from __future__ import annotations

import httpx

from tests.factories import list_all, make_portfolio, make_project
from tests.gql import gql
from tests.graphql_plan import send

PORTFOLIO_PAGES = """query($id: ID!, $after: String) { portfolio(id: $id) {
  projects(first: 2, after: $after) { totalCount nodes { code }
    pageInfo { hasNextPage endCursor } }
  objectives(first: 2) { totalCount nodes { name weight } } } }"""


async def walk(client: httpx.AsyncClient, portfolio_id: str) -> tuple[list[str], list[int]]:
    """Every project code of the portfolio, page by page, and each page's totalCount."""
    codes: list[str] = []
    totals: list[int] = []
    after = None
    for _ in range(20):
        result = await gql(client, PORTFOLIO_PAGES, id=portfolio_id, after=after)
        assert "errors" not in result, result
        page = result["data"]["portfolio"]["projects"]
        codes += [node["code"] for node in page["nodes"]]
        totals.append(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return codes, totals
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("no last page")


class TestTotalCount:
    async def test_total_count_equals_rests_count(self, client: httpx.AsyncClient) -> None:
        big, small = await make_portfolio(client), await make_portfolio(client)
        for _ in range(5):
            await make_project(client, big["id"])
        project = await make_project(client, small["id"])
        base = f"/api/v1/projects/{project['code']}"
        for i in range(3):
            body = {"title": f"r{i}", "probability": 1 + i, "impact": 2}
            await send(client, "POST", f"{base}/risks", body)
        for name in ("Grow", "Save", "Ship"):
            await send(client, "POST", f"/api/v1/portfolios/{big['id']}/objectives", {"name": name})

        q = """query($p: [ID!], $code: String) {
          all: projects(first: 1) { totalCount }
          big: projects(first: 2, filter: {portfolioId: $p}) { totalCount }
          portfolios(first: 1) { totalCount nodes { projects(first: 1) { totalCount } } }
          risky: projects(filter: {q: $code}) { nodes {
            risks(first: 1) { totalCount }
            open: risks(first: 1, filter: {status: [OPEN]}) { totalCount } } }
        }"""
        result = await gql(client, q, p=[big["id"]], code=project["code"])
        assert "errors" not in result, result
        data = result["data"]
        assert data["all"]["totalCount"] == len(await list_all(client, "/api/v1/projects")) == 6
        in_big = await list_all(client, "/api/v1/projects", {"portfolio_id": big["id"]})
        assert data["big"]["totalCount"] == len(in_big) == 5
        portfolios = await list_all(client, "/api/v1/portfolios")
        assert data["portfolios"]["totalCount"] == len(portfolios) == 2
        risks = data["risky"]["nodes"][0]
        assert risks["risks"]["totalCount"] == len(await list_all(client, f"{base}/risks")) == 3
        open_risks = await list_all(client, f"{base}/risks", {"status": "open"})
        assert risks["open"]["totalCount"] == len(open_risks)

        codes, totals = await walk(client, big["id"])
        assert codes == [p["code"] for p in in_big]  # the same order and pages as REST's
        assert set(totals) == {5}
        objectives = await gql(client, PORTFOLIO_PAGES, id=big["id"])
        got = objectives["data"]["portfolio"]["objectives"]
        rest = await list_all(client, f"/api/v1/portfolios/{big['id']}/objectives")
        assert got["totalCount"] == len(rest) == 3
        assert [o["name"] for o in got["nodes"]] == [o["name"] for o in rest[:2]]

    async def test_a_count_it_cannot_give_is_refused_with_a_code(
        self, client: httpx.AsyncClient
    ) -> None:
        q = "{ projects(filter: {health: [RED]}) { totalCount nodes { code } } }"
        result = await gql(client, q)
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert result["errors"][0]["path"] == ["projects", "totalCount"]
