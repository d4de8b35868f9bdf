"""Status reports over GraphQL: a project's reports by state as REST lists them, and a draft
edited, published (its snapshot frozen) and then immutable, over the same services."""

from __future__ import annotations

import httpx

from tests.factories import list_all, make_project
from tests.gql import gql, outcome
from tests.graphql_registers import (
    JAN,
    REPORT,
    as_graphql,
    get_json,
    parsed,
    send,
    worked_project,
)


class TestNestedFieldsMatchRest:
    async def test_status_reports_by_state(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=100, **JAN)
        base = f"/api/v1/projects/{project['code']}"
        draft = await send(client, "POST", f"{base}/status-reports", {"period_end": "2026-01-03"})
        await send(client, "POST", f"{base}/status-reports", {"period_end": "2026-01-04"})
        await send(client, "POST", f"/api/v1/status-reports/{draft['id']}/publish", None, 200)
        q = """query($c: String) { project(code: $c) {
                 published: statusReports(state: [PUBLISHED]) { nodes { id state } }
                 drafts: statusReports(state: [DRAFT]) { nodes { id state } } } }"""
        got = (await gql(client, q, c=project["code"]))["data"]["project"]
        for alias, state in (("published", "published"), ("drafts", "draft")):
            rest = await list_all(client, f"{base}/status-reports", {"state": state})
            assert [n["id"] for n in got[alias]["nodes"]] == [r["id"] for r in rest]
            assert [n["state"] for n in got[alias]["nodes"]] == [state.upper()]


class TestMutations:
    async def test_status_report_draft_publish_and_immutability(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await worked_project(client)
        create = f"""mutation($p: String!) {{ createStatusReport(project: $p,
                      input: {{periodEnd: "2026-01-04", overall: AMBER, summary: "ok"}}) {{
                      {outcome("StatusReport", REPORT)} }} }}"""
        draft = (await gql(client, create, p=project["code"]))["data"]["createStatusReport"]
        assert (draft["state"], draft["snapshot"], draft["overall"]) == ("DRAFT", None, "AMBER")
        rest = await get_json(client, f"/api/v1/status-reports/{draft['id']}")
        assert parsed(draft) == as_graphql(rest)

        update = f"""mutation($id: ID!, $v: Int) {{ updateStatusReport(id: $id,
                      patch: {{summary: "late", cost: RED, overall: null}}, expectedVersion: $v) {{
                      {outcome("StatusReport", REPORT)} }} }}"""
        edited = (await gql(client, update, id=draft["id"], v=1))["data"]["updateStatusReport"]
        assert (edited["summary"], edited["cost"], edited["overall"]) == ("late", "RED", None)

        publish = f"""mutation($id: ID!, $v: Int) {{ publishStatusReport(id: $id,
                      expectedVersion: $v) {{ {outcome("StatusReport", REPORT)} }} }}"""
        stale = (await gql(client, publish, id=draft["id"], v=1))["data"]["publishStatusReport"]
        assert stale["__typename"] == "PreconditionFailedError"
        published = (await gql(client, publish, id=draft["id"], v=2))["data"]
        report = published["publishStatusReport"]
        assert report["state"] == "PUBLISHED" and report["publishedAt"]
        rest = await get_json(client, f"/api/v1/status-reports/{draft['id']}")
        assert parsed(report) == as_graphql(rest)
        snapshot = report["snapshot"]
        assert snapshot["as_of"] == "2026-01-04"
        assert (snapshot["evm"]["ev"], snapshot["evm"]["ac"]) == (250.0, 300.0)

        twice = (await gql(client, publish, id=draft["id"], v=None))["data"]
        assert twice["publishStatusReport"]["__typename"] == "ConflictError"
        changed = (await gql(client, update, id=draft["id"], v=None))["data"]
        assert changed["updateStatusReport"]["__typename"] == "ConflictError"
        delete = """mutation($id: ID!) { deleteStatusReport(id: $id) { __typename } }"""
        kept = (await gql(client, delete, id=draft["id"]))["data"]["deleteStatusReport"]
        assert kept["__typename"] == "ConflictError"
        assert (await get_json(client, f"/api/v1/status-reports/{draft['id']}")) == rest

        other = (await gql(client, create, p=project["code"]))["data"]["createStatusReport"]
        deleted = (await gql(client, delete, id=other["id"]))["data"]["deleteStatusReport"]
        assert deleted["__typename"] == "Deleted"
        assert (await client.get(f"/api/v1/status-reports/{other['id']}")).status_code == 404
