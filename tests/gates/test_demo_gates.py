"""The demo's gate reviews (pmo_api/demo_gates.py): a `go` whose conditions became action items,
and a `hold` of a project that is on hold, each with its decision log entry."""

from __future__ import annotations

import httpx

import tests.conftest as harness
from pmo_api.demo import seed_demo
from tests.factories import list_all


class TestDemoGateReviews:
    async def test_a_go_with_conditions_and_a_hold(
        self, client: httpx.AsyncClient, database_url: str
    ) -> None:
        assert await seed_demo(harness.test_settings(database_url), only_if_empty=True)
        reviews = await list_all(client, "/api/v1/gate-reviews")
        by_code = {r["project_code"]: r for r in reviews}
        assert set(by_code) == {"CRM-2026", "DATA-LAKE"}
        go, hold = by_code["CRM-2026"], by_code["DATA-LAKE"]
        assert (go["decision"], len(go["conditions"])) == ("go", 2)
        assert hold["decision"] == "hold"
        items = await list_all(client, "/api/v1/projects/CRM-2026/action-items")
        assert sorted(i["title"] for i in items) == sorted(c["title"] for c in go["conditions"])
        assert {(i["source"], i["source_id"]) for i in items} == {("gate_condition", go["id"])}
        for review in (go, hold):
            entries = await list_all(client, f"/api/v1/projects/{review['project_code']}/decisions")
            assert [(e["source"], e["source_id"]) for e in entries] == [
                ("gate_review", review["id"])
            ]
        project = (await client.get("/api/v1/projects/DATA-LAKE")).json()
        assert project["status"] == "on_hold"
        gate = (await client.get(f"/api/v1/milestones/{hold['milestone_id']}")).json()
        assert gate["status"] == "overdue"  # held: the gate stays open
