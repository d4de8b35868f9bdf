"""GraphQL over risks, KPIs and status reports as the roles and the portfolio scope of a key allow
(CONTRACT §7): a viewer reads but does not write, KPI definitions need an unlimited admin, and a
key of another portfolio sees nothing, typed errors and all."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import list_all, make_portfolio, make_project
from tests.gql import gql
from tests.graphql_registers import get_json, worked_project


class TestTypedErrors:
    async def test_a_viewer_may_read_but_not_write(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        project = await worked_project(client)
        code = project["code"]
        risk = (await list_all(client, f"/api/v1/projects/{code}/risks"))[0]
        report = (await list_all(client, f"/api/v1/projects/{code}/status-reports"))[0]
        viewer = await harness.make_key(app, Role.viewer)
        async with harness.http_client(app, viewer) as as_viewer:
            read = await gql(
                as_viewer,
                f"""{{ project(code: "{code}") {{ risks {{ nodes {{ id }} }}
                     kpis {{ kpiCode }} statusReports {{ nodes {{ id }} }} }}
                     risk(id: "{risk["id"]}") {{ id }} kpi(code: "cpi") {{ code }} }}""",
            )
            assert "errors" not in read, read
            assert len(read["data"]["project"]["risks"]["nodes"]) == 3
            writes = await gql(
                as_viewer,
                f"""mutation {{
                     a: createRisk(project: "{code}", input: {{title: "x", probability: 1,
                        impact: 1}}) {{ __typename }}
                     b: updateRisk(id: "{risk["id"]}", patch: {{title: "y"}}) {{ __typename }}
                     c: deleteRisk(id: "{risk["id"]}") {{ __typename }}
                     d: createKpi(input: {{code: "k", name: "k", direction: HIGHER_IS_BETTER}})
                        {{ __typename }}
                     e: updateKpi(code: "cpi", patch: {{name: "y"}}) {{ __typename }}
                     f: deleteKpi(code: "happiness") {{ __typename }}
                     g: recordKpiMeasurement(project: "{code}", kpi: "happiness",
                        input: {{measuredOn: "2026-01-01", value: 1}}) {{ __typename }}
                     h: createStatusReport(project: "{code}", input: {{periodEnd: "2026-01-31"}})
                        {{ __typename }}
                     i: updateStatusReport(id: "{report["id"]}", patch: {{summary: "y"}})
                        {{ __typename }}
                     j: deleteStatusReport(id: "{report["id"]}") {{ __typename }}
                     k: publishStatusReport(id: "{report["id"]}") {{ __typename }} }}""",
            )
        assert all(v == {"__typename": "ForbiddenError"} for v in writes["data"].values()), writes
        assert (await get_json(client, f"/api/v1/risks/{risk['id']}"))["version"] == 1
        assert (await get_json(client, f"/api/v1/status-reports/{report['id']}"))[
            "state"
        ] == "draft"

    async def test_kpi_definitions_need_an_unlimited_admin(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        editor = await harness.make_key(app, Role.editor)
        limited = await harness.make_key(app, Role.admin, [uuid.UUID(portfolio["id"])])
        q = """mutation { createKpi(input: {code: "k", name: "k", direction: HIGHER_IS_BETTER})
                 { __typename ... on UserError { message } } }"""
        for key in (editor, limited):
            async with harness.http_client(app, key) as caller:
                answer = (await gql(caller, q))["data"]["createKpi"]
            assert answer["__typename"] == "ForbiddenError", answer
        assert (await client.get("/api/v1/kpis/k")).status_code == 404

    async def test_a_key_of_another_portfolio_sees_nothing(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        project = await worked_project(client)
        code = project["code"]
        base = f"/api/v1/projects/{code}"
        risk_id = (await list_all(client, f"{base}/risks"))[0]["id"]
        report_id = (await list_all(client, f"{base}/status-reports"))[0]["id"]
        other = await make_portfolio(client)
        mine = await make_project(client, other["id"])
        key = await harness.make_key(app, Role.editor, [uuid.UUID(other["id"])])
        async with harness.http_client(app, key) as outsider:
            reads = await outsider.post(
                "/graphql",
                json={
                    "query": f"""{{ project(code: "{code}") {{ id risks {{ nodes {{ id }} }} }}
                     risk(id: "{risk_id}") {{ id }} statusReport(id: "{report_id}") {{ id }}
                     risks {{ nodes {{ id }} }}
                     kpiValues(filter: {{from: "2025-12-01", to: "2026-01-31"}}) {{
                       nodes {{ projectCode }} }}
                     portfolio(id: "{project["portfolio_id"]}") {{ riskMatrix {{ openRisks }}
                       summary {{ budgetTotal }} }}
                     mine: portfolio(id: "{other["id"]}") {{ riskMatrix {{ openRisks }}
                       summary {{ projects {{ total }} topRisks {{ id }} }} }} }}"""
                },
            )
            data = reads.json()["data"]
            seen = {n["projectCode"] for n in data.pop("kpiValues")["nodes"]}
            assert seen <= {mine["code"]}, seen
            assert data == {
                "project": None,
                "risk": None,
                "statusReport": None,
                "risks": {"nodes": []},
                "portfolio": None,
                "mine": {
                    "riskMatrix": {"openRisks": 0},
                    "summary": {"projects": {"total": 1}, "topRisks": []},
                },
            }
            writes = await outsider.post(
                "/graphql",
                json={
                    "query": f"""mutation {{
                     a: createRisk(project: "{code}", input: {{title: "x", probability: 1,
                        impact: 1}}) {{ __typename }}
                     b: updateRisk(id: "{risk_id}", patch: {{title: "y"}}) {{ __typename }}
                     c: deleteRisk(id: "{risk_id}") {{ __typename }}
                     d: recordKpiMeasurement(project: "{code}", kpi: "happiness",
                        input: {{measuredOn: "2026-01-01", value: 1}}) {{ __typename }}
                     e: createStatusReport(project: "{code}", input: {{periodEnd: "2026-01-31"}})
                        {{ __typename }}
                     f: updateStatusReport(id: "{report_id}", patch: {{summary: "y"}})
                        {{ __typename }}
                     g: deleteStatusReport(id: "{report_id}") {{ __typename }}
                     h: publishStatusReport(id: "{report_id}") {{ __typename }} }}"""
                },
            )
        body = writes.json()
        assert all(v == {"__typename": "NotFoundError"} for v in body["data"].values()), body
        answers = reads.text + writes.text
        assert code not in answers and "supplier" not in answers
        assert len(await list_all(client, f"{base}/risks")) == 3
        assert (await get_json(client, f"/api/v1/status-reports/{report_id}"))["version"] == 1
