"""Budget lines and costs over GraphQL: a project's nested lines, baselines and cost pages equal
REST's (its milestones and progress with them), baselines replaced and costs upserted, updated
and deleted over the same services, with typed errors located in the arguments."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import list_all, make_project
from tests.gql import gql, outcome
from tests.graphql_plan import (
    BUDGET_LINE,
    COST,
    JAN,
    MILESTONE,
    PROGRESS,
    as_graphql,
    get_json,
    parsed,
    planned_project,
    send,
    without,
)


async def _rest_lines(
    client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """REST's budget lines but their `change_request_id`, which GraphQL shows once per baseline
    (`Baseline.changeRequestId`), not on each of up to 5,000 lines (the query cost)."""
    lines = await list_all(client, path, params)
    return [{k: v for k, v in line.items() if k != "change_request_id"} for line in lines]


class TestNestedFieldsMatchRest:
    async def test_milestones_budget_lines_costs_and_progress(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await planned_project(client)
        code = project["code"]
        result = await gql(
            client,
            f"""query($c: String) {{ project(code: $c) {{
                 milestones {{ {MILESTONE} }} budgetLines(first: 100) {{ {BUDGET_LINE} }} baseline
                 costs {{ nodes {{ {COST} }} }} progress {{ {PROGRESS} }} }} }}""",
            c=code,
        )
        assert "errors" not in result, result
        got = parsed(result["data"]["project"])
        base = f"/api/v1/projects/{code}"
        assert got["milestones"] == as_graphql(await list_all(client, f"{base}/milestones"))
        assert [m["name"] for m in got["milestones"]] == ["design", "build"]
        assert got["milestones"][0]["status"] == "COMPLETED"
        assert got["budgetLines"] == as_graphql(await _rest_lines(client, f"{base}/budget-lines"))
        assert got["baseline"] == 1
        assert got["costs"]["nodes"] == as_graphql(await list_all(client, f"{base}/costs"))
        assert got["progress"] == as_graphql(await list_all(client, f"{base}/progress"))
        assert len(got["costs"]["nodes"]) == 3 and len(got["progress"]) == 1

    async def test_cost_pages_walk_like_rest(self, client: httpx.AsyncClient) -> None:
        project = await planned_project(client, costs=7)
        q = """query($c: String, $after: String) { project(code: $c) {
                 costs(first: 3, after: $after) { edges { cursor node { id } }
                 pageInfo { hasNextPage endCursor } } } }"""
        seen: list[str] = []
        after = None
        for _ in range(10):
            page = (await gql(client, q, c=project["code"], after=after))["data"]["project"]
            costs = page["costs"]
            seen += [e["node"]["id"] for e in costs["edges"]]
            if not costs["pageInfo"]["hasNextPage"]:
                break
            assert costs["pageInfo"]["endCursor"] == costs["edges"][-1]["cursor"]
            after = costs["pageInfo"]["endCursor"]
        rest = await list_all(client, f"/api/v1/projects/{project['code']}/costs")
        assert seen == [c["id"] for c in rest] and len(seen) == 7
        # The cursors are REST's: a GraphQL cursor continues a REST walk.
        first = (await gql(client, q, c=project["code"], after=None))["data"]["project"]
        cursor = first["costs"]["pageInfo"]["endCursor"]
        rest_page = await get_json(
            client, f"/api/v1/projects/{project['code']}/costs", limit=3, cursor=cursor
        )
        assert [c["id"] for c in rest_page["data"]] == seen[3:6]

    async def test_an_earlier_baseline_stays_readable(self, client: httpx.AsyncClient) -> None:
        project = await planned_project(client)
        code = project["code"]
        await send(
            client,
            "PUT",
            f"/api/v1/projects/{code}/budget-lines",
            {"lines": [{"period": "2026-02", "amount": 50}]},
            200,
        )
        q = f"""query($c: String) {{ project(code: $c) {{ baseline
                 current: budgetLines(first: 100) {{ {BUDGET_LINE} }}
                 first: budgetLines(baseline: 1, first: 100) {{ {BUDGET_LINE} }} }} }}"""
        got = parsed((await gql(client, q, c=code))["data"]["project"])
        base = f"/api/v1/projects/{code}/budget-lines"
        assert got["baseline"] == 2
        assert got["current"] == as_graphql(await _rest_lines(client, base))
        assert got["first"] == as_graphql(await _rest_lines(client, base, {"baseline": 1}))
        assert [line["amount"] for line in got["current"]] == [50.0]
        assert len(got["first"]) == 3


class TestMutations:
    async def test_replace_budget_lines(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=10, **JAN)
        q = f"""mutation($p: String!, $b: Int) {{ replaceBudgetLines(project: $p,
                 lines: [{{period: "2026-02", amount: 200}},
                         {{period: "2026-01", category: "labor", amount: 100.5}}],
                 expectedBaseline: $b) {{
                 {outcome("Baseline", f"projectId number bac currency lines {{ {BUDGET_LINE} }}")}
                 }} }}"""
        stale = (await gql(client, q, p=project["code"], b=3))["data"]["replaceBudgetLines"]
        assert stale["__typename"] == "PreconditionFailedError"
        first = (await gql(client, q, p=project["code"], b=0))["data"]["replaceBudgetLines"]
        assert first["__typename"] == "Baseline"
        assert (first["number"], first["bac"], first["currency"]) == (1, 300.5, "USD")
        assert [(line["period"], line["category"]) for line in first["lines"]] == [
            ("2026-01", "labor"),
            ("2026-02", "general"),
        ]
        rest_lines = await _rest_lines(client, f"/api/v1/projects/{project['code']}/budget-lines")
        assert sorted(parsed(first["lines"]), key=lambda line: line["id"]) == sorted(
            as_graphql(rest_lines), key=lambda line: line["id"]
        )
        assert (await get_json(client, f"/api/v1/projects/{project['code']}"))["budget"] == 300.5
        second = (await gql(client, q, p=project["code"], b=1))["data"]["replaceBudgetLines"]
        assert second["number"] == 2
        read = await gql(client, f'{{ project(code: "{project["code"]}") {{ baseline }} }}')
        assert read["data"]["project"]["baseline"] == 2

    async def test_record_cost_upserts_by_external_ref(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        q = f"""mutation($p: String!, $amount: Float!) {{ recordCost(project: $p,
                 input: {{incurredOn: "2026-01-05", amount: $amount, externalRef: "INV-9"}}) {{
                 {outcome("RecordedCost", f"created cost {{ {COST} }}")} }} }}"""
        first = (await gql(client, q, p=project["code"], amount=120.5))["data"]["recordCost"]
        assert (first["__typename"], first["created"]) == ("RecordedCost", True)
        again = (await gql(client, q, p=project["code"], amount=99))["data"]["recordCost"]
        assert again["created"] is False
        assert again["cost"]["id"] == first["cost"]["id"]
        assert (again["cost"]["amount"], again["cost"]["version"]) == (99.0, 2)
        rest = await list_all(client, f"/api/v1/projects/{project['code']}/costs")
        assert as_graphql(rest) == [parsed(again["cost"])]

    async def test_cost_update_and_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        cost = await send(
            client,
            "POST",
            f"/api/v1/projects/{project['code']}/costs",
            {"incurred_on": "2026-01-05", "amount": 10, "category": "kit"},
        )
        update = f"""mutation($id: ID!) {{ updateCost(id: $id, patch: {{amount: -2.5,
                      category: null}}, expectedVersion: 1) {{ {outcome("CostEntry", COST)} }} }}"""
        updated = (await gql(client, update, id=cost["id"]))["data"]["updateCost"]
        assert (updated["amount"], updated["category"], updated["version"]) == (-2.5, None, 2)
        rest = await get_json(client, f"/api/v1/costs/{cost['id']}")
        assert parsed(without(updated, "__typename")) == as_graphql(rest)
        delete = """mutation($id: ID!) { deleteCost(id: $id, expectedVersion: 2) {
                      __typename ... on Deleted { id } } }"""
        deleted = (await gql(client, delete, id=cost["id"]))["data"]["deleteCost"]
        assert deleted == {"__typename": "Deleted", "id": cost["id"]}
        assert (await client.get(f"/api/v1/costs/{cost['id']}")).status_code == 404


class TestTypedErrors:
    async def test_patch_errors_are_located_in_the_patch(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        cost = await send(
            client,
            "POST",
            f"/api/v1/projects/{project['code']}/costs",
            {"incurred_on": "2026-01-05", "amount": 10},
        )
        result = await gql(
            client,
            f"""mutation($id: ID!) {{ updateCost(id: $id, patch: {{amount: null,
                 externalRef: ""}}) {{ {outcome("CostEntry", "id")} }} }}""",
            id=cost["id"],
        )
        payload = result["data"]["updateCost"]
        assert {tuple(e["loc"]) for e in payload["errors"]} == {
            ("patch", "amount"),
            ("patch", "externalRef"),
        }

    async def test_budget_line_errors_are_located_in_lines(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        q = f"""mutation($p: String!, $lines: [BudgetLineInput!]!) {{
                 replaceBudgetLines(project: $p, lines: $lines) {{
                 {outcome("Baseline", "number")} }} }}"""
        bad = [{"period": "2026-01", "amount": 1}, {"period": "2026-13", "amount": -1}]
        invalid = (await gql(client, q, p=project["code"], lines=bad))["data"]
        assert {tuple(e["loc"]) for e in invalid["replaceBudgetLines"]["errors"]} == {
            ("lines", "1", "period"),
            ("lines", "1", "amount"),
        }
        twice = [{"period": "2026-01", "amount": 1}, {"period": "2026-01", "amount": 2}]
        duplicate = (await gql(client, q, p=project["code"], lines=twice))["data"]
        assert [e["loc"] for e in duplicate["replaceBudgetLines"]["errors"]] == [["lines", "1"]]
