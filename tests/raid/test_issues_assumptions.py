"""The issue and assumption logs (issue 16): an issue raised from a risk that occurred, an
invalid assumption raising a risk or an issue, open issues as a health input (a setting, off by
default), bad input."""

from __future__ import annotations

from typing import Any

import httpx
from asgi_lifespan import LifespanManager

import tests.conftest as harness
from pmo_api.app import create_app
from tests.factories import assert_problem, make_portfolio, make_project, post_created


async def _project(client: httpx.AsyncClient) -> dict[str, Any]:
    portfolio = await make_portfolio(client)
    return await make_project(client, portfolio["id"], status="active")


async def _patch(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    etag = (await client.get(path)).headers["ETag"]
    return await client.patch(path, json=body, headers={"If-Match": etag})


async def _risks_rule(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    body = (await client.get(f"/api/v1/projects/{code}/health")).json()
    return next(r for r in body["rules"] if r["rule"] == "risks")


class TestIssues:
    async def test_an_issue_raised_from_a_risk_that_occurred(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await _project(client)
        code = project["code"]
        risk = await post_created(
            client,
            f"/api/v1/projects/{code}/risks",
            {"title": "Vendor late", "probability": 3, "impact": 4},
        )
        body = {"title": "Vendor is late", "priority": "high", "risk_id": risk["id"]}
        # Not occurred yet: refused.
        assert_problem(await client.post(f"/api/v1/projects/{code}/issues", json=body), 409)
        assert (
            await _patch(client, f"/api/v1/risks/{risk['id']}", {"status": "occurred"})
        ).is_success
        issue = await post_created(client, f"/api/v1/projects/{code}/issues", body)
        assert issue["risk_id"] == risk["id"] and issue["status"] == "open"
        assert issue["raised_on"] is not None
        assert (await client.get(f"/api/v1/risks/{risk['id']}")).json()["issue_id"] == issue["id"]
        # A risk becomes one issue.
        assert_problem(await client.post(f"/api/v1/projects/{code}/issues", json=body), 409)
        listed = await client.get(f"/api/v1/projects/{code}/issues", params={"priority": "high"})
        assert [i["id"] for i in listed.json()["data"]] == [issue["id"]]
        csv = await client.get("/api/v1/issues", params={"format": "csv"})
        assert csv.status_code == 200 and "Vendor is late" in csv.text
        # Deleting the issue clears the risk's link.
        etag = (await client.get(f"/api/v1/issues/{issue['id']}")).headers["ETag"]
        assert (
            await client.delete(f"/api/v1/issues/{issue['id']}", headers={"If-Match": etag})
        ).status_code == 204
        assert (await client.get(f"/api/v1/risks/{risk['id']}")).json()["issue_id"] is None

    async def test_bad_input_names_the_field(self, client: httpx.AsyncClient) -> None:
        code = (await _project(client))["code"]
        path = f"/api/v1/projects/{code}/issues"
        for body, field in (
            ({"title": "x", "priority": "urgent"}, "priority"),
            ({"title": "x", "status": "done"}, "status"),
            ({"priority": "low"}, "title"),
            (
                {"title": "x", "raised_on": "2027-01-10", "target_resolution_on": "2027-01-09"},
                "target_resolution_on",
            ),
        ):
            assert_problem(await client.post(path, json=body), 422, loc=["body", field])
        apath = f"/api/v1/projects/{code}/assumptions"
        assert_problem(
            await client.post(apath, json={"statement": "s", "confidence": 80}),
            422,
            loc=["body", "confidence"],
        )
        assert_problem(
            await client.post(apath, json={"statement": "s", "status": "maybe"}),
            422,
            loc=["body", "status"],
        )

    async def test_open_issues_are_a_health_input_when_the_setting_is_on(
        self, client: httpx.AsyncClient, database_url: str, admin_key: str
    ) -> None:
        code = (await _project(client))["code"]
        issue = await post_created(
            client, f"/api/v1/projects/{code}/issues", {"title": "Outage", "priority": "critical"}
        )
        # Off by default: the risk rule ignores issues.
        assert (await _risks_rule(client, code))["status"] == "green"
        on = create_app(harness.test_settings(database_url, health_issues=True))
        async with LifespanManager(on), harness.http_client(on, admin_key) as strict:
            rule = await _risks_rule(strict, code)
            assert (rule["status"], rule["value"]) == ("red", "critical_issue")
            await _patch(strict, f"/api/v1/issues/{issue['id']}", {"priority": "high"})
            assert (await _risks_rule(strict, code))["status"] == "amber"
            await _patch(strict, f"/api/v1/issues/{issue['id']}", {"status": "resolved"})
            rule = await _risks_rule(strict, code)
            assert rule["status"] == "green"
            assert rule["detail"] == "no high or critical risk or issue is open"


class TestAssumptions:
    async def test_an_invalid_assumption_raises_a_risk_and_an_issue(
        self, client: httpx.AsyncClient
    ) -> None:
        code = (await _project(client))["code"]
        assumption = await post_created(
            client,
            f"/api/v1/projects/{code}/assumptions",
            {"statement": "The site is ready by March", "owner": "Ana", "confidence": "high"},
        )
        assert assumption["status"] == "unvalidated" and assumption["risk_id"] is None
        path = f"/api/v1/assumptions/{assumption['id']}"
        assert_problem(await client.post(f"{path}/raise", json={"kind": "risk"}), 409)
        assert (await _patch(client, path, {"status": "invalid"})).is_success
        raised = await client.post(f"{path}/raise", json={"kind": "risk", "impact": 5})
        assert raised.status_code == 201, raised.text
        risk_id = raised.json()["risk_id"]
        risk = (await client.get(f"/api/v1/risks/{risk_id}")).json()
        assert risk["impact"] == 5 and risk["owner"] == "Ana"
        assert risk["title"] == "Invalid assumption: The site is ready by March"
        assert_problem(await client.post(f"{path}/raise", json={"kind": "risk"}), 409)
        raised = await client.post(
            f"{path}/raise", json={"kind": "issue", "title": "Site not ready", "priority": "high"}
        )
        assert raised.status_code == 201, raised.text
        issue = (await client.get(f"/api/v1/issues/{raised.json()['issue_id']}")).json()
        assert (issue["title"], issue["priority"]) == ("Site not ready", "high")
        assert_problem(
            await client.post(f"{path}/raise", json={"kind": "change"}), 422, loc=["body", "kind"]
        )
        listed = await client.get(
            f"/api/v1/projects/{code}/assumptions", params={"status": "invalid"}
        )
        assert [a["id"] for a in listed.json()["data"]] == [assumption["id"]]


class TestRaidViews:
    async def test_the_project_raid_and_the_portfolio_csv(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        p1 = await make_project(client, portfolio["id"], status="active")
        p2 = await make_project(client, portfolio["id"], status="active")
        await post_created(
            client,
            f"/api/v1/projects/{p1['code']}/risks",
            {"title": "Fog", "probability": 2, "impact": 2},
        )
        await post_created(
            client, f"/api/v1/projects/{p1['code']}/issues", {"title": "Crane broke"}
        )
        await post_created(
            client, f"/api/v1/projects/{p1['code']}/assumptions", {"statement": "Dry summer"}
        )
        a = await post_created(
            client,
            f"/api/v1/projects/{p1['code']}/milestones",
            {"name": "Frame", "due_date": "2027-03-01", "forecast_date": "2027-03-20"},
        )
        b = await post_created(
            client,
            f"/api/v1/projects/{p2['code']}/milestones",
            {"name": "Roof", "due_date": "2027-03-10"},
        )
        await post_created(
            client, "/api/v1/dependencies", {"predecessor_id": a["id"], "successor_id": b["id"]}
        )
        raid = (await client.get(f"/api/v1/projects/{p1['code']}/raid")).json()
        assert [r["title"] for r in raid["risks"]] == ["Fog"]
        assert [i["title"] for i in raid["issues"]] == ["Crane broke"]
        assert [x["statement"] for x in raid["assumptions"]] == ["Dry summer"]
        assert raid["dependencies"]["incoming"] == []
        assert [d["successor"]["name"] for d in raid["dependencies"]["outgoing"]] == ["Roof"]
        other = (await client.get(f"/api/v1/projects/{p2['code']}/raid")).json()
        assert [d["at_risk"] for d in other["dependencies"]["incoming"]] == [True]
        csv = await client.get(
            f"/api/v1/portfolios/{portfolio['id']}/raid", params={"format": "csv"}
        )
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.strip().splitlines()
        assert lines[0] == "kind,id,project_code,title,status,rating,owner,due"
        assert [line.split(",")[0] for line in lines[1:]] == [
            "risk",
            "assumption",
            "issue",
            "dependency",
        ]
        assert f"{p1['code']}: Frame → {p2['code']}: Roof" in csv.text
        assert "at_risk" in lines[-1] and "2027-03-21" in lines[-1]
