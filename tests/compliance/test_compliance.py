"""Compliance with the PMO's rules over REST, at their boundaries (docs/formulas.md): a baseline
before the project went active, a report for every month end (one due today is not yet
overdue), open risks within their review date (today vs yesterday), the share of rules met
worked by hand, the portfolio view (JSON and CSV) equal to the project views, the KPI."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from pmo_api.access.principal import Role
from pmo_api.core.clock import today
from tests.conftest import http_client, make_key
from tests.factories import (
    BASELINE_LINES,
    assert_problem,
    make_portfolio,
    make_project,
    post_created,
)
from tests.templates.helpers import make_template

RULES = [
    "template_items_present",
    "gates_reviewed_on_time",
    "baseline_before_active",
    "status_reports_every_period",
    "risks_reviewed_on_time",
    "corrective_actions_on_time",
]


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


async def compliance(client: httpx.AsyncClient, code: str, as_of: date) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/projects/{code}/compliance", params={"as_of": as_of.isoformat()}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert [r["rule"] for r in body["rules"]] == RULES
    return body


def rule(body: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in body["rules"] if r["rule"] == name)
    return found


async def activate(client: httpx.AsyncClient, code: str) -> None:
    for status in ("approved", "active"):
        response = await client.patch(f"/api/v1/projects/{code}", json={"status": status})
        assert response.status_code == 200, response.text


async def put_baseline(client: httpx.AsyncClient, code: str) -> None:
    response = await client.put(
        f"/api/v1/projects/{code}/budget-lines", json={"lines": BASELINE_LINES}
    )
    assert response.status_code == 200, response.text


async def publish_report(client: httpx.AsyncClient, code: str, period_end: date) -> None:
    report = await post_created(
        client,
        f"/api/v1/projects/{code}/status-reports",
        {"period_end": period_end.isoformat(), "overall": "green"},
    )
    published = await client.post(f"/api/v1/status-reports/{report['id']}/publish")
    assert published.status_code == 200, published.text


class TestBaselineBeforeActive:
    async def test_baseline_then_active_is_met(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client))["code"]
        await put_baseline(client, code)
        await activate(client, code)
        found = rule(await compliance(client, code, today()), "baseline_before_active")
        assert found["result"] == "met", found
        evidence = found["evidence"]
        assert evidence["activation_source"] == "audit_trail"
        assert evidence["first_baseline_at"] < evidence["activated_at"]

    async def test_active_before_baseline_is_not_met(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client))["code"]
        await activate(client, code)
        found = rule(await compliance(client, code, today()), "baseline_before_active")
        assert (found["result"], found["evidence"]["first_baseline_at"]) == ("not_met", None)
        await put_baseline(client, code)  # too late
        found = rule(await compliance(client, code, today()), "baseline_before_active")
        assert found["result"] == "not_met"
        assert found["evidence"]["first_baseline_at"] > found["evidence"]["activated_at"]

    async def test_created_active_without_baseline(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client, status="active"))["code"]
        found = rule(await compliance(client, code, today()), "baseline_before_active")
        assert found["result"] == "not_met"

    async def test_not_active_is_not_applicable(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client))["code"]
        await put_baseline(client, code)
        found = rule(await compliance(client, code, today()), "baseline_before_active")
        assert found["result"] == "not_applicable"
        await activate(client, code)
        # As of yesterday it had not gone active yet.
        yesterday = today() - timedelta(days=1)
        found = rule(await compliance(client, code, yesterday), "baseline_before_active")
        assert found["result"] == "not_applicable"


class TestStatusReports:
    """Month-end cadence (the default without a template), from the project's start: a month's
    report is due on its last day and overdue from the next."""

    async def test_report_due_today_then_one_day_late(self, client: httpx.AsyncClient) -> None:
        this_month = today().replace(day=1)
        last_month = month_before(this_month)
        code = (await make_project(client, status="active", start_date=last_month.isoformat()))[
            "code"
        ]
        await publish_report(client, code, month_end(last_month))
        due_today = month_end(this_month)
        found = rule(await compliance(client, code, due_today), "status_reports_every_period")
        assert found["result"] == "met", found
        assert (found["evidence"]["periods_due"], found["evidence"]["periods_reported"]) == (1, 1)
        assert found["evidence"]["cadence"] == {"month_end": True}
        late = due_today + timedelta(days=1)
        found = rule(await compliance(client, code, late), "status_reports_every_period")
        assert found["result"] == "not_met", found
        assert (found["evidence"]["periods_due"], found["evidence"]["periods_reported"]) == (2, 1)
        # Any published report whose period ends within the month covers it.
        await publish_report(client, code, due_today - timedelta(days=3))
        found = rule(await compliance(client, code, late), "status_reports_every_period")
        assert found["result"] == "met"

    async def test_drafts_do_not_count(self, client: httpx.AsyncClient) -> None:
        last_month = month_before(today())
        code = (await make_project(client, status="active", start_date=last_month.isoformat()))[
            "code"
        ]
        await post_created(
            client,
            f"/api/v1/projects/{code}/status-reports",
            {"period_end": month_end(last_month).isoformat()},
        )
        as_of = month_end(today()) + timedelta(days=1)
        found = rule(await compliance(client, code, as_of), "status_reports_every_period")
        assert (found["result"], found["evidence"]["periods_reported"]) == ("not_met", 0)

    async def test_not_started_or_nothing_due(self, client: httpx.AsyncClient) -> None:
        start = today().replace(day=1)
        proposed = (await make_project(client, start_date=start.isoformat()))["code"]
        found = rule(await compliance(client, proposed, today()), "status_reports_every_period")
        assert found["result"] == "not_applicable"
        active = (await make_project(client, status="active", start_date=start.isoformat()))["code"]
        # The first month ends on its last day: nothing is overdue until the day after.
        found = rule(
            await compliance(client, active, month_end(start)), "status_reports_every_period"
        )
        assert (found["result"], found["evidence"]["periods_due"]) == ("not_applicable", 0)


class TestRisksReviewed:
    async def test_review_date_today_is_met_yesterday_is_not(
        self, client: httpx.AsyncClient
    ) -> None:
        code = (await make_project(client, status="active"))["code"]
        risks = f"/api/v1/projects/{code}/risks"
        found = rule(await compliance(client, code, today()), "risks_reviewed_on_time")
        assert found["result"] == "not_applicable"  # no open risk with a review date
        body = {"title": "Supplier", "probability": 2, "impact": 2}
        risk = await post_created(client, risks, {**body, "review_date": today().isoformat()})
        await post_created(client, risks, body)  # no review date: not judged
        closed = {**body, "status": "closed", "review_date": "2020-01-01"}
        await post_created(client, risks, closed)  # closed: not judged
        found = rule(await compliance(client, code, today()), "risks_reviewed_on_time")
        assert found["result"] == "met", found
        assert found["evidence"]["risks_checked"] == 1
        tomorrow = today() + timedelta(days=1)  # its review date was yesterday
        found = rule(await compliance(client, code, tomorrow), "risks_reviewed_on_time")
        assert found["result"] == "not_met"
        assert found["evidence"]["overdue_risk_ids"] == [risk["id"]]
        assert found["evidence"]["earliest_overdue_review_date"] == today().isoformat()


async def _worked_project(client: httpx.AsyncClient, portfolio_id: str) -> str:
    """Baseline before active (met), a month without a report (not met), an open risk within
    its review date (met); the three others not applicable: 2 of 3 rules met."""
    last_month = month_before(today())
    code = (await make_project(client, portfolio_id, start_date=last_month.isoformat()))["code"]
    await put_baseline(client, code)
    await activate(client, code)
    await post_created(
        client,
        f"/api/v1/projects/{code}/risks",
        {"title": "Late", "probability": 1, "impact": 1, "review_date": "2099-01-01"},
    )
    return code


class TestShareAndViews:
    async def test_share_of_rules_met(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        code = await _worked_project(client, portfolio["id"])
        body = await compliance(client, code, today())
        results = [r["result"] for r in body["rules"]]
        na = "not_applicable"
        assert results == [na, na, "met", "not_met", "met", na]
        assert (body["met"], body["not_met"], body["not_applicable"]) == (2, 1, 3)
        assert body["share_met"] == 0.6667  # 2 / 3
        kpis = await client.get(
            f"/api/v1/projects/{code}/kpis", params={"as_of": today().isoformat()}
        )
        value = next(k for k in kpis.json()["data"] if k["kpi_code"] == "compliance")
        assert (value["value"], value["computed"], value["unit"]) == (66.67, True, "%")

    async def test_portfolio_equals_project_views(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        codes = [
            await _worked_project(client, pid),
            (await make_project(client, pid))["code"],  # nothing applies
            (await make_project(client, pid, status="active"))["code"],
        ]
        await make_project(client)  # another portfolio's
        t = today().isoformat()
        response = await client.get(f"/api/v1/portfolios/{pid}/compliance", params={"as_of": t})
        assert response.status_code == 200, response.text
        body = response.json()
        assert [p["project_code"] for p in body["projects"]] == sorted(codes)
        for project in body["projects"]:
            assert project == await compliance(client, project["project_code"], today())
        # Pairs met: 2 (the worked project) + 0 + 0; not met: 1 + 0 + 1 (active, no baseline).
        assert body["share_met"] == 0.5
        counts = {c["rule"]: c for c in body["by_rule"]}
        assert counts["baseline_before_active"] | {"rule": ""} == {
            "rule": "",
            "met": 1,
            "not_met": 1,
            "not_applicable": 1,
        }
        csv_response = await client.get(
            f"/api/v1/portfolios/{pid}/compliance", params={"as_of": t, "format": "csv"}
        )
        assert csv_response.status_code == 200
        assert csv_response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(csv_response.text)))
        assert len(rows) == 3 * len(RULES)
        by_key = {(r["project_code"], r["rule"]): r for r in rows}
        for project in body["projects"]:
            for r in project["rules"]:
                row = by_key[(project["project_code"], r["rule"])]
                assert (row["result"], row["reason"]) == (r["result"], r["reason"])
                assert json.loads(row["evidence"]) == r["evidence"]
                share = project["share_met"]
                assert row["project_share_met"] == ("" if share is None else str(share))


class TestAccess:
    async def test_viewer_reads_and_hidden_is_404(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        mine, other = await make_portfolio(client), await make_portfolio(client)
        code = (await make_project(client, mine["id"]))["code"]
        hidden = (await make_project(client, other["id"]))["code"]
        key = await make_key(app, Role.viewer, [mine["id"]])
        async with http_client(app, key) as viewer:
            assert (await viewer.get(f"/api/v1/projects/{code}/compliance")).status_code == 200
            ok = await viewer.get(f"/api/v1/portfolios/{mine['id']}/compliance")
            assert ok.status_code == 200 and ok.json()["as_of"] == today().isoformat()
            assert_problem(await viewer.get(f"/api/v1/projects/{hidden}/compliance"), 404)
            assert_problem(await viewer.get(f"/api/v1/portfolios/{other['id']}/compliance"), 404)


class TestCorrectiveActions:
    async def test_due_today_is_met_one_day_late_is_not(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client, status="active"))["code"]
        items = f"/api/v1/projects/{code}/action-items"
        found = rule(await compliance(client, code, today()), "corrective_actions_on_time")
        assert found["result"] == "not_applicable"
        yesterday = (today() - timedelta(days=1)).isoformat()
        # Not corrective actions: another source, or cancelled.
        await post_created(client, items, {"title": "Call", "due_date": yesterday})
        await post_created(
            client,
            items,
            {"title": "Dropped", "source": "finding", "due_date": yesterday}
            | {"status": "cancelled"},
        )
        # Done today, though due yesterday: no longer overdue.
        await post_created(
            client,
            items,
            {"title": "Fixed", "source": "finding", "due_date": yesterday, "status": "done"},
        )
        item = await post_created(
            client, items, {"title": "Fix", "source": "finding", "due_date": today().isoformat()}
        )
        found = rule(await compliance(client, code, today()), "corrective_actions_on_time")
        assert (found["result"], found["evidence"]["actions_checked"]) == ("met", 2), found
        tomorrow = today() + timedelta(days=1)
        found = rule(await compliance(client, code, tomorrow), "corrective_actions_on_time")
        assert found["result"] == "not_met"
        assert found["evidence"]["overdue_action_ids"] == [item["id"]]
        assert found["evidence"]["earliest_overdue_due_date"] == today().isoformat()


class TestTemplate:
    async def test_items_present_and_template_cadence(self, client: httpx.AsyncClient) -> None:
        template = await make_template(client)
        portfolio = await make_portfolio(client)
        # Every two weeks from the start (the template's cadence): started 13 days ago, the
        # first period ended a week ago, the second ends today.
        start = today() - timedelta(days=13)
        made = await post_created(
            client,
            "/api/v1/projects/from-template",
            {
                "code": "TPL-1",
                "portfolio_id": portfolio["id"],
                "name": "From a template",
                "template_id": template["id"],
                "start_date": start.isoformat(),
                "status": "active",
            },
        )
        body = await compliance(client, "TPL-1", today())
        found = rule(body, "template_items_present")
        assert found["result"] == "met", found
        assert (found["evidence"]["milestones_required"], found["evidence"]["gates_required"]) == (
            4,
            2,
        )
        reports = rule(body, "status_reports_every_period")
        assert reports["evidence"]["cadence"] == {"every_weeks": 2}
        assert reports["evidence"]["cadence_source"] == "template"
        assert reports["result"] == "not_applicable"  # the first period is due today
        await publish_report(client, "TPL-1", start + timedelta(days=3))
        tomorrow = today() + timedelta(days=1)
        reports = rule(await compliance(client, "TPL-1", tomorrow), "status_reports_every_period")
        assert (reports["result"], reports["evidence"]["periods_due"]) == ("met", 1)
        later = today() + timedelta(days=15)
        reports = rule(await compliance(client, "TPL-1", later), "status_reports_every_period")
        assert (reports["result"], reports["evidence"]["periods_due"]) == ("not_met", 2)
        by_name = {m["name"]: m for m in made["milestones"]}
        for name in ("Build done", "Go-live"):
            deleted = await client.delete(f"/api/v1/milestones/{by_name[name]['id']}")
            assert deleted.status_code == 204, deleted.text
        found = rule(await compliance(client, "TPL-1", today()), "template_items_present")
        assert found["result"] == "not_met"
        evidence = found["evidence"]
        assert (evidence["missing_milestones"], evidence["missing_gates"]) == (
            ["Build done", "Go-live"],
            ["g2"],
        )


class TestGatesReviewed:
    async def test_due_today_then_one_day_late(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client, status="active"))["code"]
        base = f"/api/v1/projects/{code}"
        tomorrow = today() + timedelta(days=1)
        found = rule(await compliance(client, code, today()), "gates_reviewed_on_time")
        assert found["result"] == "not_applicable"
        await post_created(  # not a gate
            client, f"{base}/milestones", {"name": "Plain", "due_date": "2020-01-01"}
        )
        gate = await post_created(
            client,
            f"{base}/milestones",
            {"name": "Gate 1", "due_date": today().isoformat(), "is_gate": True},
        )
        found = rule(await compliance(client, code, today()), "gates_reviewed_on_time")
        assert (found["result"], found["evidence"]["gates_checked"]) == ("met", 1), found
        found = rule(await compliance(client, code, tomorrow), "gates_reviewed_on_time")
        assert found["result"] == "not_met"
        assert found["evidence"]["late_gate_milestone_ids"] == [gate["id"]]
        assert found["evidence"]["earliest_late_gate_due_date"] == today().isoformat()
        # Held one day late: still not reviewed by its due date.
        review = {"milestone_id": gate["id"], "held_on": tomorrow.isoformat()}
        await post_created(client, f"{base}/gate-reviews", review)
        found = rule(await compliance(client, code, tomorrow), "gates_reviewed_on_time")
        assert found["result"] == "not_met"
        # Held on the due date (an earlier review counts: the first one).
        second = await post_created(
            client,
            f"{base}/milestones",
            {"name": "Gate 2", "due_date": tomorrow.isoformat(), "is_gate": True},
        )
        held = {"milestone_id": second["id"], "held_on": tomorrow.isoformat()}
        await post_created(client, f"{base}/gate-reviews", held)
        found = rule(await compliance(client, code, tomorrow), "gates_reviewed_on_time")
        assert found["evidence"]["late_gate_milestone_ids"] == [gate["id"]]
        assert found["evidence"]["gates_checked"] == 2
