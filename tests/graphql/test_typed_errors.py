"""GraphQL's typed errors: a mutation's invalid input is a ValidationFailed whose `loc` names the
argument and field as the schema names them, and an unknown target is a NotFoundError, for
projects, risks, KPIs and status reports alike."""

from __future__ import annotations

import uuid

import httpx

from tests.factories import list_all, make_project
from tests.gql import gql, outcome
from tests.graphql_registers import make_kpi


class TestErrorLocations:
    async def test_field_errors_are_named_as_the_schema_names_them(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = "00000000-0000-7000-8000-000000000000"
        result = await gql(
            client,
            """mutation($p: ID!) { createProject(input: {code: "LOC-1", portfolioId: $p,
                 name: "x"}) { __typename ... on ValidationFailed { errors { loc } } } }""",
            p=missing,
        )
        payload = result["data"]["createProject"]
        assert payload == {
            "__typename": "ValidationFailed",
            "errors": [{"loc": ["input", "portfolioId"]}],
        }

    async def test_patch_errors_are_located_in_the_patch_argument(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, start_date="2026-03-01")
        result = await gql(
            client,
            """mutation($c: String!) { updateProject(project: $c,
                 patch: {finishDate: "2026-02-01"}) {
                 __typename ... on ValidationFailed { errors { loc } } } }""",
            c=project["code"],
        )
        payload = result["data"]["updateProject"]
        assert payload == {
            "__typename": "ValidationFailed",
            "errors": [{"loc": ["patch", "finishDate"]}],
        }


class TestTypedErrors:
    async def test_invalid_input_names_the_field(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        result = await gql(
            client,
            f"""mutation($p: String!) {{
                 a: createRisk(project: $p, input: {{title: "x", probability: 7, impact: 1,
                    costImpact: -1}}) {{ {outcome("Risk", "id")} }}
                 b: createKpi(input: {{code: "Bad Code", name: "x",
                    direction: HIGHER_IS_BETTER}}) {{ {outcome("KpiDefinition", "id")} }}
                 c: updateKpi(code: "cpi", patch: {{name: ""}}) {{
                    {outcome("KpiDefinition", "id")} }}
                 d: recordKpiMeasurement(project: $p, kpi: "cpi",
                    input: {{measuredOn: "2026-01-01", value: 1e300}}) {{
                    {outcome("RecordedKpiMeasurement", "created")} }}
                 e: createStatusReport(project: $p, input: {{periodEnd: "2026-01-31",
                    summary: "{"x" * 20001}"}}) {{ {outcome("StatusReport", "id")} }} }}""",
            p=project["code"],
        )
        data = result["data"]
        assert all(v["__typename"] == "ValidationFailed" for v in data.values()), data
        locs = {alias: {tuple(e["loc"]) for e in v["errors"]} for alias, v in data.items()}
        assert locs["a"] == {("input", "probability"), ("input", "costImpact")}
        assert locs["b"] == {("input", "code")}
        assert locs["c"] == {("patch", "name")}
        assert locs["d"] == {("input", "value")}
        assert locs["e"] == {("input", "summary")}
        # A rule of the service (the thresholds' order) is located in the patch too.
        await make_kpi(client, "speed", amber_threshold=5, red_threshold=3)
        order = await gql(
            client,
            f"""mutation {{ updateKpi(code: "speed", patch: {{redThreshold: 9}}) {{
                 {outcome("KpiDefinition", "id")} }} }}""",
        )
        assert [e["loc"] for e in order["data"]["updateKpi"]["errors"]] == [
            ["patch", "redThreshold"]
        ]
        assert await list_all(client, f"/api/v1/projects/{project['code']}/risks") == []

    async def test_unknown_targets_are_not_found(self, client: httpx.AsyncClient) -> None:
        missing = str(uuid.uuid4())
        result = await gql(
            client,
            """mutation($id: ID!, $ref: String!) {
                 a: createRisk(project: "NOPE-1", input: {title: "x", probability: 1, impact: 1})
                   { __typename }
                 b: updateRisk(id: $id, patch: {title: "y"}) { __typename }
                 c: deleteRisk(id: "not-a-uuid") { __typename }
                 d: updateKpi(code: "nope", patch: {name: "y"}) { __typename }
                 e: deleteKpi(code: "nope") { __typename }
                 f: recordKpiMeasurement(project: "NOPE-1", kpi: "cpi",
                    input: {measuredOn: "2026-01-01", value: 1}) { __typename }
                 g: createStatusReport(project: $ref, input: {periodEnd: "2026-01-31"})
                   { __typename }
                 h: updateStatusReport(id: $id, patch: {summary: "y"}) { __typename }
                 i: deleteStatusReport(id: $id) { __typename }
                 j: publishStatusReport(id: "x") { __typename }
                 k: raiseFromAssumption(id: "not-a-uuid", input: {kind: RISK, title: "x"})
                   { __typename }
                 l: raiseChangeRequestFromIssue(id: "not-a-uuid", input: {category: SCOPE})
                   { __typename }
                 m: raiseChangeRequestFromIssue(id: $id, input: {category: SCOPE})
                   { __typename } }""",
            id=missing,
            ref=missing,
        )
        assert all(v == {"__typename": "NotFoundError"} for v in result["data"].values()), result
        project = await make_project(client)
        unknown_kpi = await gql(
            client,
            f"""mutation {{ recordKpiMeasurement(project: "{project["code"]}", kpi: "nope",
                 input: {{measuredOn: "2026-01-01", value: 1}}) {{ __typename }} }}""",
        )
        assert unknown_kpi["data"]["recordKpiMeasurement"] == {"__typename": "NotFoundError"}
        reads = await gql(
            client,
            f"""{{ risk(id: "{missing}") {{ id }} statusReport(id: "x") {{ id }}
                 risks(filter: {{project: ["{missing}"]}}) {{ nodes {{ id }} }} }}""",
        )
        assert reads["data"] == {"risk": None, "statusReport": None, "risks": {"nodes": []}}
