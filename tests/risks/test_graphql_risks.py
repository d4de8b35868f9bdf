"""Risks over GraphQL: a project's nested risks (read beside its KPIs and status reports, pages
included) and the risks feed answer as REST does, and risks are created, updated and deleted
over the same services."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import list_all, make_portfolio, make_project
from tests.gql import gql, outcome
from tests.graphql_registers import (
    PROJECT_KPI,
    REPORT,
    RISK,
    as_graphql,
    get_json,
    parsed,
    send,
    worked_project,
)


class TestNestedFieldsMatchRest:
    async def test_project_risks_kpis_and_status_reports(self, client: httpx.AsyncClient) -> None:
        project = await worked_project(client)
        code = project["code"]
        q = f"""query($c: String) {{ project(code: $c) {{
                 risks {{ nodes {{ {RISK} }} }}
                 open: risks(filter: {{status: [OPEN, MITIGATING], minScore: 5}}) {{
                   nodes {{ {RISK} }} }}
                 kpis(asOf: "2026-01-04") {{ {PROJECT_KPI} }}
                 later: kpis(asOf: "2026-01-06") {{ {PROJECT_KPI} }}
                 statusReports {{ nodes {{ {REPORT} }} }} }} }}"""
        result = await gql(client, q, c=code)
        assert "errors" not in result, result
        got = parsed(result["data"]["project"])
        base = f"/api/v1/projects/{code}"
        assert got["risks"]["nodes"] == as_graphql(await list_all(client, f"{base}/risks"))
        assert len(got["risks"]["nodes"]) == 3
        rest_open = await list_all(
            client, f"{base}/risks", {"status": ["open", "mitigating"], "min_score": 5}
        )
        assert got["open"]["nodes"] == as_graphql(rest_open)
        assert [r["title"] for r in got["open"]["nodes"]] == ["supplier", "staff"]
        for alias, as_of in (("kpis", "2026-01-04"), ("later", "2026-01-06")):
            rest = await get_json(client, f"{base}/kpis", as_of=as_of)
            assert got[alias] == as_graphql(rest["data"]), as_of
        kpis = {k["kpiCode"]: k for k in got["kpis"]}
        assert (kpis["happiness"]["value"], kpis["happiness"]["status"]) == (6.0, "AMBER")
        assert (kpis["cpi"]["value"], kpis["cpi"]["status"]) == (0.8333, "RED")
        assert kpis["open_risk_exposure"]["value"] == 500.0 + 900.0
        reports = await list_all(client, f"{base}/status-reports")
        assert got["statusReports"]["nodes"] == as_graphql(reports) and len(reports) == 1

    async def test_nested_pages_walk_like_rest(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        base = f"/api/v1/projects/{project['code']}"
        for i in range(5):
            body = {"title": f"r{i}", "probability": 1 + i % 5, "impact": 2}
            await send(client, "POST", f"{base}/risks", body)
            report = {"period_end": f"2026-0{5 - i}-28"}
            await send(client, "POST", f"{base}/status-reports", report)
        for field, path in (("risks", "risks"), ("statusReports", "status-reports")):
            q = f"""query($c: String, $after: String) {{ project(code: $c) {{
                     {field}(first: 2, after: $after) {{ edges {{ cursor node {{ id }} }}
                       pageInfo {{ hasNextPage endCursor }} }} }} }}"""
            seen: list[str] = []
            after = None
            for _ in range(10):
                page = (await gql(client, q, c=project["code"], after=after))["data"]["project"]
                connection = page[field]
                seen += [e["node"]["id"] for e in connection["edges"]]
                if not connection["pageInfo"]["hasNextPage"]:
                    break
                after = connection["pageInfo"]["endCursor"]
            rest = await list_all(client, f"{base}/{path}")
            assert seen == [r["id"] for r in rest] and len(seen) == 5, field
            # The cursors are REST's: a GraphQL cursor continues a REST walk.
            first = (await gql(client, q, c=project["code"], after=None))["data"]["project"]
            cursor = first[field]["pageInfo"]["endCursor"]
            rest_page = await get_json(client, f"{base}/{path}", limit=2, cursor=cursor)
            assert [r["id"] for r in rest_page["data"]] == seen[2:4], field


class TestRootQueries:
    async def test_risks_feed_filters_like_rest(self, client: httpx.AsyncClient) -> None:
        one = await make_portfolio(client)
        a = await worked_project(client, one["id"])
        await worked_project(client)
        q = f"""query($f: RiskFeedFilter, $after: String) {{ risks(filter: $f, first: 2,
                 after: $after) {{ nodes {{ {RISK} }} pageInfo {{ hasNextPage endCursor }} }} }}"""

        async def walk(filter_: dict[str, Any]) -> list[Any]:
            rows: list[Any] = []
            after = None
            for _ in range(20):
                page = (await gql(client, q, f=filter_, after=after))["data"]["risks"]
                rows += parsed(page["nodes"])
                if not page["pageInfo"]["hasNextPage"]:
                    return rows
                after = page["pageInfo"]["endCursor"]
            raise AssertionError("the feed never ended")

        everything = await walk({})
        assert everything == as_graphql(await list_all(client, "/api/v1/risks"))
        assert len(everything) == 6
        cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
            ({"portfolioId": [one["id"]]}, {"portfolio_id": one["id"]}),
            (
                {"project": [a["code"]], "severity": ["CRITICAL"]},
                {"project": a["code"], "severity": "critical"},
            ),
            ({"status": ["CLOSED"]}, {"status": "closed"}),
            ({"q": "STAFF", "minScore": 20}, {"q": "STAFF", "min_score": 20}),
        ]
        for graphql_filter, rest_params in cases:
            expected = as_graphql(await list_all(client, "/api/v1/risks", rest_params))
            assert await walk(graphql_filter) == expected, graphql_filter
            assert expected
        nothing = await walk({"project": ["not a code"], "portfolioId": ["x"]})
        assert nothing == []
        bad = await gql(client, "{ risks(filter: {minScore: 26}) { nodes { id } } }")
        assert "minScore" in bad["errors"][0]["message"] or "25" in bad["errors"][0]["message"]


class TestMutations:
    async def test_risk_create_update_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        create = f"""mutation($p: String!) {{ createRisk(project: $p, input: {{title: "Vendor",
                      probability: 4, impact: 5, costImpact: 1000.5, response: TRANSFER,
                      reviewDate: "2026-03-01"}}) {{ {outcome("Risk", RISK)} }} }}"""
        risk = (await gql(client, create, p=project["code"]))["data"]["createRisk"]
        assert risk["__typename"] == "Risk"
        assert (risk["score"], risk["severity"], risk["expectedValue"]) == (20, "CRITICAL", 700.35)
        rest = await get_json(client, f"/api/v1/risks/{risk['id']}")
        assert parsed(risk) == as_graphql(rest)

        update = f"""mutation($id: ID!, $v: Int) {{ updateRisk(id: $id, patch: {{probability: 2,
                      costImpact: null, status: MITIGATING}}, expectedVersion: $v) {{
                      {outcome("Risk", RISK)} }} }}"""
        stale = (await gql(client, update, id=risk["id"], v=7))["data"]["updateRisk"]
        assert stale["__typename"] == "PreconditionFailedError"
        done = (await gql(client, update, id=risk["id"], v=1))["data"]["updateRisk"]
        assert (done["score"], done["severity"], done["expectedValue"], done["version"]) == (
            10,
            "HIGH",
            None,
            2,
        )
        assert parsed(done) == as_graphql(await get_json(client, f"/api/v1/risks/{risk['id']}"))

        delete = """mutation($id: ID!, $v: Int) { deleteRisk(id: $id, expectedVersion: $v) {
                      __typename ... on Deleted { id } } }"""
        refused = (await gql(client, delete, id=risk["id"], v=1))["data"]["deleteRisk"]
        assert refused["__typename"] == "PreconditionFailedError"
        deleted = (await gql(client, delete, id=risk["id"], v=2))["data"]["deleteRisk"]
        assert deleted == {"__typename": "Deleted", "id": risk["id"]}
        assert (await client.get(f"/api/v1/risks/{risk['id']}")).status_code == 404
