"""The demo PMO `make run` loads (pmo_api/demo_data.py): its health comes out as the mix it
promises, each verdict for the reason it names, and `null` for the projects not in flight."""

from __future__ import annotations

import httpx

import tests.conftest as harness
from pmo_api.demo import seed_demo
from tests.factories import list_all

EXPECTED = {
    "CRM-2026": ("green", None, ["cost", "schedule", "milestones", "risks"]),
    "WMS-ROLL": ("green", None, ["cost", "schedule", "milestones", "risks"]),
    "ERP-UPG": ("amber", None, ["cost"]),
    "PROC-AUTO": ("amber", None, ["schedule"]),
    "WEB-NEXT": ("amber", None, ["milestones", "risks"]),
    "DATA-LAKE": ("red", None, ["milestones"]),
    "FLEET-EV": ("red", None, ["risks"]),
    "MOBILE-3": (None, "not started", []),
    "SEC-ZT": (None, "not started", []),
    "PMO-STD": (None, "not started", []),  # planned from the demo's methodology template
    "HR-PORTAL": (None, "closed", []),
    "CALL-AI": (None, "closed", []),
}


class TestDemo:
    async def test_the_demo_health_is_a_believable_mix(
        self, client: httpx.AsyncClient, database_url: str
    ) -> None:
        assert await seed_demo(harness.test_settings(database_url), only_if_empty=True)
        assert not await seed_demo(harness.test_settings(database_url), only_if_empty=True)
        projects = await list_all(client, "/api/v1/projects")
        assert {p["code"] for p in projects} == set(EXPECTED)
        assert len({p["portfolio_id"] for p in projects}) == 3
        for project in projects:
            health, reason, decided_by = EXPECTED[project["code"]]
            explained = (await client.get(f"/api/v1/projects/{project['code']}/health")).json()
            got = (project["health"], project["health_reason"], explained["decided_by"])
            assert got == (health, reason, decided_by), project["code"]
        # Issue 16: CRM-2026's go-live slipped a month and holds up WEB-NEXT's (already amber).
        at_risk = (await client.get("/api/v1/dependencies", params={"at_risk": "true"})).json()
        assert [
            (d["predecessor"]["project_code"], d["successor"]["project_code"], d["slip_days"])
            for d in at_risk["data"]
        ] == [("CRM-2026", "WEB-NEXT", 25)]
        issues = (await client.get("/api/v1/issues", params={"status": "open"})).json()["data"]
        assert len(issues) == 4
        raised = await client.get("/api/v1/assumptions", params={"status": "invalid"})
        assert [a["issue_id"] is not None for a in raised.json()["data"]] == [True]
        for feed in ("milestones", "costs", "risks", "status-reports"):
            rows = (await client.get(f"/api/v1/{feed}")).json()["data"]
            assert rows, feed
        planned = (await client.get("/api/v1/projects/PMO-STD")).json()
        assert planned["template_version"] == 1
        milestones = (await client.get("/api/v1/projects/PMO-STD/milestones")).json()["data"]
        assert (len(milestones), sum(m["is_gate"] for m in milestones)) == (5, 3)
        published = await client.get("/api/v1/status-reports", params={"state": "published"})
        assert len(published.json()["data"]) == 7
