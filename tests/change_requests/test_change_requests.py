"""Change requests over REST: the state machine (legal and illegal transitions), approval's
effects in one transaction (a re-baseline whose total and PV differ by exactly the change,
forecasts moved, a decision-log entry), atomicity, the lists and CSV, and the audit trail."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.factories import assert_problem, evm_of, make_portfolio, make_project
from tests.gql import gql, outcome

DATED = {"start_date": "2026-01-01", "finish_date": "2026-03-31"}
# A baseline of 12,000.00: 4,000.00 of labor in each of January, February and March 2026.
LINES = [
    {"period": p, "category": "labor", "amount": 4000} for p in ("2026-01", "2026-02", "2026-03")
]


async def _project_with_baseline(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    project = await make_project(client, **DATED, **fields)
    response = await client.put(
        f"/api/v1/projects/{project['code']}/budget-lines", json={"lines": LINES}
    )
    assert response.status_code == 200, response.text
    return project


async def _milestone(client: httpx.AsyncClient, code: str, due: str, **fields: Any) -> str:
    body = {"name": f"M {due}", "due_date": due, **fields}
    response = await client.post(f"/api/v1/projects/{code}/milestones", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _request(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "Add a reporting module", "category": "scope", **fields}
    response = await client.post(f"/api/v1/projects/{code}/change-requests", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _move(
    client: httpx.AsyncClient, request_id: str, to: str, **fields: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/change-requests/{request_id}/transitions", json={"to": to, **fields}
    )


async def _baseline(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    lines = await client.get(f"/api/v1/projects/{code}/budget-lines", params={"limit": 500})
    assert lines.status_code == 200, lines.text
    rows = lines.json()["data"]
    return {
        "number": int(lines.headers["etag"].strip('"')),
        "total": round(sum(r["amount"] for r in rows), 2),
        "lines": {(r["period"], r["category"]): r for r in rows},
    }


class TestStateMachine:
    @pytest.mark.parametrize(
        ("path", "illegal"),
        [
            ([], ["approved", "rejected", "implemented"]),
            (["submitted"], ["submitted", "implemented"]),
            (["submitted", "rejected"], ["submitted", "approved", "withdrawn", "implemented"]),
            (["withdrawn"], ["submitted", "approved", "implemented"]),
            (["submitted", "approved"], ["approved", "rejected", "withdrawn", "submitted"]),
            (["submitted", "approved", "implemented"], ["withdrawn", "approved"]),
        ],
    )
    async def test_legal_and_illegal(
        self, client: httpx.AsyncClient, path: list[str], illegal: list[str]
    ) -> None:
        project = await make_project(client)
        made = await _request(client, project["code"])
        for state in path:
            response = await _move(client, made["id"], state)
            assert response.status_code == 200, response.text
            assert response.json()["state"] == state
        before = (await client.get(f"/api/v1/change-requests/{made['id']}")).json()
        for state in illegal:
            assert_problem(await _move(client, made["id"], state), 409)
        after = (await client.get(f"/api/v1/change-requests/{made['id']}")).json()
        assert after == before

    async def test_who_and_when_and_edits(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        made = await _request(client, project["code"], priority="high")
        path = f"/api/v1/change-requests/{made['id']}"
        edited = await client.patch(
            path, json={"priority": "critical"}, headers={"If-Match": '"1"'}
        )
        assert edited.status_code == 200 and edited.json()["priority"] == "critical"
        submitted = (await _move(client, made["id"], "submitted")).json()
        assert submitted["submitted_at"] is not None and submitted["decided_at"] is None
        assert_problem(await client.patch(path, json={"title": "x"}), 409)
        stale = await client.post(
            f"{path}/transitions", json={"to": "rejected"}, headers={"If-Match": '"1"'}
        )
        assert_problem(stale, 412)
        rejected = (await _move(client, made["id"], "rejected", note="Not now")).json()
        assert rejected["decided_at"] is not None and rejected["decided_by"]
        assert rejected["decision_note"] == "Not now" and rejected["decision_id"] is None
        assert (await client.delete(path)).status_code == 204

    async def test_bad_input_names_the_field(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        other = await make_project(client)
        foreign = await _milestone(client, other["code"], "2026-02-01")
        path = f"/api/v1/projects/{project['code']}/change-requests"
        for body, loc in (
            ({"title": "x", "category": "quality"}, ["body", "category"]),
            ({"title": "x", "category": "cost", "cost_delta": 1.001}, ["body", "cost_delta"]),
            ({"title": "x", "category": "cost", "priority": "urgent"}, ["body", "priority"]),
            (
                {"title": "x", "category": "schedule", "affected_milestone_ids": [foreign]},
                ["body", "affected_milestone_ids", 0],
            ),
            ({"title": "x", "category": "cost", "state": "approved"}, ["body", "state"]),
        ):
            assert_problem(await client.post(path, json=body), 422, loc=loc)
        made = await _request(client, project["code"])
        response = await _move(client, made["id"], "submitted", rebaseline=True)
        assert_problem(response, 422, loc=["body", "rebaseline"])
        assert_problem(await _move(client, made["id"], "done"), 422, loc=["body", "to"])


class TestApproval:
    async def test_rebaseline_forecasts_and_decision(self, client: httpx.AsyncClient) -> None:
        project = await _project_with_baseline(client)
        code = project["code"]
        moved = await _milestone(client, code, "2026-02-15")
        forecast = await _milestone(client, code, "2026-03-01", forecast_date="2026-03-10")
        still = await _milestone(client, code, "2026-03-20")
        pv_before = (await evm_of(client, code, "2026-02-28"))["pv"]
        made = await _request(
            client,
            code,
            category="cost",
            cost_delta=1500.25,
            schedule_delta_days=-3,
            affected_milestone_ids=[moved, forecast],
        )
        assert (await _move(client, made["id"], "submitted")).status_code == 200
        response = await _move(
            client,
            made["id"],
            "approved",
            rebaseline=True,
            budget_period="2026-02",
            budget_category="labor",
            note="Worth it",
        )
        assert response.status_code == 200, response.text
        approved = response.json()
        assert approved["state"] == "approved" and approved["baseline"] == 2

        after = await _baseline(client, code)
        # 12,000.00 + 1,500.25 = 13,500.25; February's labor line: 4,000.00 + 1,500.25.
        assert (after["number"], after["total"]) == (2, 13500.25)
        assert after["lines"][("2026-02", "labor")]["amount"] == 5500.25
        assert {r["change_request_id"] for r in after["lines"].values()} == {made["id"]}
        earlier = await client.get(f"/api/v1/projects/{code}/budget-lines", params={"baseline": 1})
        assert {r["change_request_id"] for r in earlier.json()["data"]} == {None}
        assert (await client.get(f"/api/v1/projects/{code}")).json()["budget"] == 13500.25
        # PV at the end of February: 4,000.00 + 4,000.00 = 8,000.00 before; 9,500.25 after.
        pv_after = (await evm_of(client, code, "2026-02-28"))["pv"]
        assert (pv_before, pv_after) == (8000.0, 9500.25)
        assert round(pv_after - pv_before, 2) == 1500.25
        assert (await evm_of(client, code, "2026-01-31"))["pv"] == 4000.0  # January unchanged

        def forecast_of(milestone_id: str) -> Any:
            return client.get(f"/api/v1/milestones/{milestone_id}")

        assert (await forecast_of(moved)).json()["forecast_date"] == "2026-02-12"  # due - 3
        assert (await forecast_of(forecast)).json()["forecast_date"] == "2026-03-07"  # fc - 3
        assert (await forecast_of(still)).json()["forecast_date"] is None

        decision = (await client.get(f"/api/v1/decisions/{approved['decision_id']}")).json()
        assert (decision["source"], decision["source_id"]) == ("change_request", made["id"])
        assert decision["read_only"] is True and decision["project_id"] == project["id"]
        assert decision["rationale"] == "Worth it"
        assert_problem(await client.delete(f"/api/v1/decisions/{decision['id']}"), 409)
        assert_problem(await client.delete(f"/api/v1/change-requests/{made['id']}"), 409)
        implemented = await _move(client, made["id"], "implemented")
        assert implemented.json()["implemented_at"] is not None

        events = (
            await client.get(
                "/api/v1/audit-events", params={"object_type": "change_request", "limit": 500}
            )
        ).json()["data"]
        mine = [e for e in events if e["object_id"] == made["id"]]
        assert sorted(e["action"] for e in mine) == ["create", "update", "update", "update"]

    async def test_default_line_and_a_saving(self, client: httpx.AsyncClient) -> None:
        project = await _project_with_baseline(client)
        code = project["code"]
        made = await _request(client, code, category="cost", cost_delta=-500)
        await _move(client, made["id"], "submitted")
        response = await _move(client, made["id"], "approved", rebaseline=True)
        assert_problem(response, 422, loc=["body", "budget_category"])  # no such line to cut
        response = await _move(
            client,
            made["id"],
            "approved",
            rebaseline=True,
            budget_period="2026-03",
            budget_category="labor",
        )
        assert response.status_code == 200, response.text
        after = await _baseline(client, code)
        assert after["total"] == 11500.0  # 12,000.00 - 500.00

        grow = await _request(client, code, category="cost", cost_delta=10)
        await _move(client, grow["id"], "submitted")
        assert (await _move(client, grow["id"], "approved", rebaseline=True)).status_code == 200
        lines = (await _baseline(client, code))["lines"]
        added = [r for (p, c), r in lines.items() if c == "change_requests"]
        assert len(added) == 1 and added[0]["amount"] == 10.0  # this month, its own category

    async def test_without_rebaseline_no_baseline(self, client: httpx.AsyncClient) -> None:
        project = await _project_with_baseline(client)
        made = await _request(client, project["code"], category="cost", cost_delta=99)
        await _move(client, made["id"], "submitted")
        approved = (await _move(client, made["id"], "approved")).json()
        assert approved["baseline"] is None and approved["decision_id"] is not None
        assert (await _baseline(client, project["code"]))["number"] == 1

    async def test_a_failing_step_leaves_nothing(self, client: httpx.AsyncClient) -> None:
        project = await _project_with_baseline(client)
        code = project["code"]
        milestone = await _milestone(client, code, "2026-02-15")
        made = await _request(
            client,
            code,
            category="cost",
            cost_delta=1500.25,
            schedule_delta_days=5,
            affected_milestone_ids=[milestone],
        )
        await _move(client, made["id"], "submitted")
        # The milestone goes: the approval's second step (after the re-baseline) fails.
        assert (await client.delete(f"/api/v1/milestones/{milestone}")).status_code == 204
        response = await _move(client, made["id"], "approved", rebaseline=True)
        assert_problem(
            response, 422, loc=["path", "change_request_id", "affected_milestone_ids", 0]
        )
        unchanged = await _baseline(client, code)
        assert (unchanged["number"], unchanged["total"]) == (1, 12000.0)
        assert (await client.get(f"/api/v1/projects/{code}")).json()["budget"] == 12000.0
        after = (await client.get(f"/api/v1/change-requests/{made['id']}")).json()
        assert after["state"] == "submitted" and after["version"] == 2
        decisions = await client.get(f"/api/v1/projects/{code}/decisions")
        assert decisions.json()["data"] == []


class TestApprovalLimits:
    async def test_a_forecast_past_the_calendar_is_a_422(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        late = await _milestone(client, project["code"], "9999-12-25")
        made = await _request(
            client,
            project["code"],
            category="schedule",
            schedule_delta_days=10,
            affected_milestone_ids=[late],
        )
        await _move(client, made["id"], "submitted")
        response = await _move(client, made["id"], "approved")
        assert_problem(response, 422, loc=["path", "change_request_id", "schedule_delta_days"])
        assert (await client.get(f"/api/v1/milestones/{late}")).json()["forecast_date"] is None

    async def test_a_line_past_the_money_limit_is_a_422(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        big = [{"period": "2026-01", "category": "labor", "amount": 999_999_999_999}]
        response = await client.put(
            f"/api/v1/projects/{project['code']}/budget-lines", json={"lines": big}
        )
        assert response.status_code == 200, response.text
        made = await _request(client, project["code"], category="cost", cost_delta=10)
        await _move(client, made["id"], "submitted")
        response = await _move(
            client,
            made["id"],
            "approved",
            rebaseline=True,
            budget_period="2026-01",
            budget_category="labor",
        )
        assert_problem(response, 422, loc=["body", "budget_category"])
        assert (await _baseline(client, project["code"]))["number"] == 1


class TestLists:
    async def test_feed_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        a = await make_project(client, portfolio["id"])
        b = await make_project(client, portfolio["id"])
        elsewhere = await make_project(client)
        first = await _request(client, a["code"], category="cost", cost_delta=-20.5)
        await _request(client, b["code"], category="schedule")
        await _request(client, elsewhere["code"], category="cost")
        await _move(client, first["id"], "submitted")
        feed = "/api/v1/change-requests"
        mine = {"portfolio_id": portfolio["id"]}
        assert len((await client.get(feed, params=mine)).json()["data"]) == 2
        submitted = await client.get(feed, params={**mine, "state": "submitted"})
        assert [r["id"] for r in submitted.json()["data"]] == [first["id"]]
        by_category = await client.get(feed, params={"category": "cost", "project": a["code"]})
        assert [r["cost_delta"] for r in by_category.json()["data"]] == [-20.5]
        text = (await client.get(feed, params={**mine, "format": "csv"})).text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sorted(r["category"] for r in rows) == ["cost", "schedule"]
        assert_problem(await client.get(feed, params={"state": "open"}), 422)
        own = await client.get(f"/api/v1/projects/{b['code']}/change-requests")
        assert [r["category"] for r in own.json()["data"]] == ["schedule"]


class TestGraphQL:
    async def test_nested_root_mutations_and_transition(self, client: httpx.AsyncClient) -> None:
        project = await _project_with_baseline(client)
        code = project["code"]
        fields = "id state costDelta baseline decisionId affectedMilestoneIds version"
        made = await gql(
            client,
            f"""mutation($p: String!) {{ createChangeRequest(project: $p, input: {{
                title: "More testing", category: COST, costDelta: 1500.25}})
                {{ {outcome("ChangeRequest", fields)} }} }}""",
            p=code,
        )
        request = made["data"]["createChangeRequest"]
        assert request["__typename"] == "ChangeRequest" and request["costDelta"] == 1500.25, made
        patched = await gql(
            client,
            f"""mutation($id: ID!) {{ updateChangeRequest(id: $id, patch: {{priority: HIGH}})
                {{ {outcome("ChangeRequest", "priority")} }} }}""",
            id=request["id"],
        )
        assert patched["data"]["updateChangeRequest"]["priority"] == "HIGH", patched
        move = f"""mutation($id: ID!, $to: ChangeState!, $r: Boolean, $p: String, $c: String) {{
            transitionChangeRequest(id: $id, input: {{to: $to, rebaseline: $r,
              budgetPeriod: $p, budgetCategory: $c}})
            {{ {outcome("ChangeRequest", fields)} }} }}"""
        illegal = await gql(client, move, id=request["id"], to="APPROVED", r=True)
        assert illegal["data"]["transitionChangeRequest"]["code"] == "conflict", illegal
        submitted = await gql(client, move, id=request["id"], to="SUBMITTED")
        assert submitted["data"]["transitionChangeRequest"]["state"] == "SUBMITTED", submitted
        approved = await gql(
            client, move, id=request["id"], to="APPROVED", r=True, p="2026-01", c="labor"
        )
        body = approved["data"]["transitionChangeRequest"]
        assert (body["state"], body["baseline"]) == ("APPROVED", 2), approved
        read = await gql(
            client,
            """query($c: String!) { project(code: $c) { changeRequests(filter: {state: [APPROVED]})
                 { nodes { id decisionId } } decisions { nodes { source sourceId } } }
                 changeRequests(filter: {project: [$c]}) { totalCount } }""",
            c=code,
        )
        got = read["data"]
        assert got["project"]["changeRequests"]["nodes"] == [
            {"id": request["id"], "decisionId": body["decisionId"]}
        ], read
        assert got["project"]["decisions"]["nodes"] == [
            {"source": "CHANGE_REQUEST", "sourceId": request["id"]}
        ]
        assert got["changeRequests"]["totalCount"] == 1
        assert (await _baseline(client, code))["total"] == 13500.25
