"""KPIs over GraphQL: definitions and the kpi-values feed filter and page like REST, a KPI (with a
risk and a status report) read by id equals REST's, and definitions and measurements are made,
replaced and deleted over the same services."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import list_all, make_portfolio, make_project
from tests.gql import gql, outcome
from tests.graphql_registers import (
    KPI,
    KPI_VALUE,
    MEASUREMENT,
    REPORT,
    RESOURCE_KPI_VALUE,
    RISK,
    as_graphql,
    get_json,
    make_kpi,
    parsed,
    worked_project,
)


class TestRootQueries:
    async def test_one_of_each_equals_rest(self, client: httpx.AsyncClient) -> None:
        project = await worked_project(client)
        base = f"/api/v1/projects/{project['code']}"
        risk = (await list_all(client, f"{base}/risks"))[0]
        report = (await list_all(client, f"{base}/status-reports"))[0]
        q = f"""query($r: ID!, $s: ID!) {{ risk(id: $r) {{ {RISK} }}
                 statusReport(id: $s) {{ {REPORT} }}
                 cpi: kpi(code: "cpi") {{ {KPI} }} happiness: kpi(code: "happiness") {{ {KPI} }}
                 nope: kpi(code: "nope") {{ id }} }}"""
        got = parsed((await gql(client, q, r=risk["id"], s=report["id"]))["data"])
        assert got["risk"] == as_graphql(await get_json(client, f"/api/v1/risks/{risk['id']}"))
        assert got["statusReport"] == as_graphql(
            await get_json(client, f"/api/v1/status-reports/{report['id']}")
        )
        for code in ("cpi", "happiness"):
            assert got[code] == as_graphql(await get_json(client, f"/api/v1/kpis/{code}"))
        # cpi is judged by the health settings (PMO_HEALTH_CPI_*), which reach GraphQL too.
        assert (got["cpi"]["amberThreshold"], got["cpi"]["redThreshold"]) == (0.95, 0.85)
        assert got["nope"] is None

    async def test_kpi_definitions_and_values_feed_equal_rest(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_kpi(client, "defects", direction="lower_is_better")
        portfolio = await make_portfolio(client)
        for _ in range(2):
            await worked_project(client, portfolio["id"])
        q = f"""query($f: KpiFilter, $after: String) {{ kpis(filter: $f, first: 4,
                 after: $after) {{ nodes {{ {KPI} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
        for graphql_filter, rest_params in (
            ({}, {}),
            ({"computed": False}, {"computed": "false"}),
            ({"direction": ["LOWER_IS_BETTER"]}, {"direction": "lower_is_better"}),
        ):
            rows: list[Any] = []
            after = None
            while True:
                page = (await gql(client, q, f=graphql_filter, after=after))["data"]["kpis"]
                rows += parsed(page["nodes"])
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert rows == as_graphql(await list_all(client, "/api/v1/kpis", rest_params))
        feed = f"""query($f: KpiValueFilter, $after: String) {{ kpiValues(filter: $f, first: 7,
                 after: $after) {{ nodes {{ {KPI_VALUE} }} pageInfo {{ hasNextPage endCursor }} }}
                 }}"""
        window = {"from": "2025-11-01", "to": "2026-02-28"}
        for graphql_filter, rest_params in (
            (window, window),
            ({**window, "kpi": ["happiness", "cpi"]}, {**window, "kpi": ["happiness", "cpi"]}),
            (
                {**window, "portfolioId": [portfolio["id"]]},
                {**window, "portfolio_id": portfolio["id"]},
            ),
        ):
            rows = []
            after = None
            while True:
                page = (await gql(client, feed, f=graphql_filter, after=after))["data"]
                rows += parsed(page["kpiValues"]["nodes"])
                if not page["kpiValues"]["pageInfo"]["hasNextPage"]:
                    break
                after = page["kpiValues"]["pageInfo"]["endCursor"]
            expected = as_graphql(await list_all(client, "/api/v1/kpi-values", rest_params))
            assert rows == expected and expected, graphql_filter

    async def test_the_issue_14_kpis(self, client: httpx.AsyncClient) -> None:
        # planned_vs_actual_hours comes through kpiValues like every per-project built-in;
        # utilisation through resourceKpiValues, equal to REST's feed, page by page.
        project = await make_project(client)
        person = (await client.post("/api/v1/resources", json={"name": "Ann"})).json()
        body = {"resource_id": person["id"], "start_date": "2026-10-05", "end_date": "2026-10-09"}
        await client.post(
            f"/api/v1/projects/{project['code']}/allocations",
            json=body | {"mode": "hours_per_day", "amount": 4},  # 20 h of 40 h
        )
        await client.post(
            f"/api/v1/projects/{project['code']}/time-entries",
            json={"resource_id": person["id"], "work_date": "2026-10-05", "hours": 5},
        )
        got = await gql(
            client,
            """{ kpiValues(filter: {kpi: ["planned_vs_actual_hours"], from: "2026-10-01",
                 to: "2026-10-31"}) { nodes { kpiCode measuredOn value status } }
                 resourceKpiValues(filter: {from: "2026-10-01", to: "2026-11-30"}) {
                 nodes { kpiCode measuredOn value status } }
                 kpi(code: "utilisation") { appliesTo } }""",
        )
        data = got["data"]
        assert data["kpiValues"]["nodes"] == [  # 5 / 20 h = 25 %
            {"kpiCode": "planned_vs_actual_hours", "measuredOn": "2026-10-31"}
            | {"value": 25.0, "status": "GREEN"}
        ]
        # October: 20 h of 22 x 8 = 176 h: 11.3636 %; November: nothing booked.
        assert [(n["measuredOn"], n["value"]) for n in data["resourceKpiValues"]["nodes"]] == [
            ("2026-10-31", 11.3636),
            ("2026-11-30", 0.0),
        ]
        assert data["kpi"]["appliesTo"] == "RESOURCE"
        feed = f"""query($f: ResourceKpiValueFilter, $after: String) {{ resourceKpiValues(
                 filter: $f, first: 1, after: $after) {{ nodes {{ {RESOURCE_KPI_VALUE} }}
                 pageInfo {{ hasNextPage endCursor }} }} }}"""
        window = {"from": "2026-09-01", "to": "2026-12-31", "resourceId": [person["id"]]}
        rows: list[Any] = []
        after = None
        while True:
            page = (await gql(client, feed, f=window, after=after))["data"]["resourceKpiValues"]
            rows += parsed(page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        rest = {"from": "2026-09-01", "to": "2026-12-31", "resource_id": person["id"]}
        expected = as_graphql(await list_all(client, "/api/v1/resource-kpi-values", rest))
        assert rows == expected and len(expected) == 4
        backwards = {"from": "2026-10-31", "to": "2026-10-01"}
        refused = (await gql(client, feed, f=backwards, after=None))["errors"][0]
        assert refused["extensions"]["code"] == "BAD_USER_INPUT", refused


class TestMutations:
    async def test_kpi_create_update_delete_and_measurements(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        create = f"""mutation {{ createKpi(input: {{code: "defects", name: "Defects",
                      direction: LOWER_IS_BETTER, target: 2, amberThreshold: 5,
                      redThreshold: 10}}) {{ {outcome("KpiDefinition", KPI)} }} }}"""
        kpi = (await gql(client, create))["data"]["createKpi"]
        assert (kpi["__typename"], kpi["computed"]) == ("KpiDefinition", False)
        assert parsed(kpi) == as_graphql(await get_json(client, "/api/v1/kpis/defects"))
        again = (await gql(client, create))["data"]["createKpi"]
        assert again["__typename"] == "ConflictError"

        recorded = outcome("RecordedKpiMeasurement", f"created measurement {{ {MEASUREMENT} }}")
        record = f"""mutation($p: String!, $v: Float!) {{ recordKpiMeasurement(project: $p,
                      kpi: "defects", input: {{measuredOn: "2026-01-05", value: $v}}) {{
                      {recorded} }} }}"""
        first = (await gql(client, record, p=project["code"], v=7))["data"]["recordKpiMeasurement"]
        assert (first["created"], first["measurement"]["status"]) == (True, "AMBER")
        second = (await gql(client, record, p=project["code"], v=12))["data"]
        replaced = second["recordKpiMeasurement"]
        assert (replaced["created"], replaced["measurement"]["status"]) == (False, "RED")
        assert replaced["measurement"]["id"] == first["measurement"]["id"]
        assert replaced["measurement"]["varianceToTarget"] == 10.0
        rest = await list_all(
            client, f"/api/v1/projects/{project['code']}/kpis/defects/measurements"
        )
        assert as_graphql(rest) == [parsed(replaced["measurement"])]
        builtin = await gql(
            client,
            f"""mutation {{ recordKpiMeasurement(project: "{project["code"]}", kpi: "cpi",
                 input: {{measuredOn: "2026-01-05", value: 1}}) {{ __typename }} }}""",
        )
        assert builtin["data"]["recordKpiMeasurement"]["__typename"] == "ConflictError"

        update = f"""mutation($v: Int) {{ updateKpi(code: "defects", patch: {{target: null,
                      unit: "count"}}, expectedVersion: $v) {{
                      {outcome("KpiDefinition", KPI)} }} }}"""
        stale = (await gql(client, update, v=5))["data"]["updateKpi"]
        assert stale["__typename"] == "PreconditionFailedError"
        updated = (await gql(client, update, v=1))["data"]["updateKpi"]
        assert (updated["target"], updated["unit"], updated["version"]) == (None, "count", 2)
        assert parsed(updated) == as_graphql(await get_json(client, "/api/v1/kpis/defects"))

        delete = """mutation($c: String!) { deleteKpi(code: $c) {
                      __typename ... on Deleted { id } ... on UserError { code } } }"""
        measured = (await gql(client, delete, c="defects"))["data"]["deleteKpi"]
        assert measured["__typename"] == "ConflictError"  # it has measurements
        assert (await gql(client, delete, c="cpi"))["data"]["deleteKpi"]["__typename"] == (
            "ConflictError"
        )
        unused = await make_kpi(client, "unused")
        gone = (await gql(client, delete, c="unused"))["data"]["deleteKpi"]
        assert gone == {"__typename": "Deleted", "id": unused["id"]}
        assert (await client.get("/api/v1/kpis/unused")).status_code == 404
