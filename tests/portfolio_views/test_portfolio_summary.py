"""The portfolio summary: counts by status and health, totals, the EVM rollup, the top open
risks and the milestones coming due."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import make_portfolio, make_project

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10"}


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


class TestSummary:
    async def test_summary(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        # On plan: one milestone (all the weight) completed on time, spent as planned.
        good = await make_project(client, pid, budget=1000, status="active", **JAN)
        await _post(
            client,
            f"/api/v1/projects/{good['code']}/milestones",
            {"name": "all", "due_date": "2026-01-10", "completed_on": "2026-01-10"},
        )
        await _post(
            client,
            f"/api/v1/projects/{good['code']}/costs",
            {"incurred_on": "2026-01-05", "amount": 1000},
        )
        # Behind: nothing earned, an overdue gate, and the portfolio's risks (on hold: still in
        # flight, so judged).
        late = await make_project(client, pid, budget=500, status="on_hold", **JAN)
        # Not started: not judged, so not counted by health.
        await make_project(client, pid, budget=100)
        await _post(
            client,
            f"/api/v1/projects/{late['code']}/milestones",
            {"name": "gate", "due_date": "2026-01-05", "is_gate": True},
        )
        await _post(
            client,
            f"/api/v1/projects/{late['code']}/milestones",
            {"name": "soon", "due_date": "2026-01-25"},
        )
        await _post(
            client,
            f"/api/v1/projects/{late['code']}/milestones",
            {"name": "later", "due_date": "2026-03-01"},
        )
        for p, i, status in ((5, 5, "open"), (4, 4, "mitigating"), (5, 5, "closed")):
            await _post(
                client,
                f"/api/v1/projects/{late['code']}/risks",
                {
                    "title": f"r{p}{i}{status}",
                    "probability": p,
                    "impact": i,
                    "status": status,
                    "cost_impact": 100,
                },
            )
        await make_project(client)  # another portfolio's: not counted
        response = await client.get(
            f"/api/v1/portfolios/{pid}/summary", params={"as_of": "2026-01-20"}
        )
        assert response.status_code == 200, response.text
        s = response.json()
        assert s["projects"]["total"] == 3
        assert s["projects"]["by_status"]["active"] == 1
        assert s["projects"]["by_status"]["on_hold"] == 1
        assert s["projects"]["by_status"]["proposed"] == 1
        assert s["projects"]["by_health"] == {"green": 1, "amber": 0, "red": 1}
        assert (s["budget_total"], s["actual_total"]) == (1600.0, 1000.0)
        # Rollup: BAC 1600, PV 1500 (both plans over; the third has none), EV 1000 + 0, AC 1000
        assert (s["evm"]["pv"], s["evm"]["ev"], s["evm"]["cpi"]) == (1500.0, 1000.0, 1.0)
        assert [r["title"] for r in s["top_risks"]] == ["r55open", "r44mitigating"]
        assert [m["name"] for m in s["milestones_due"]] == ["soon"]  # 21 Jan .. 19 Feb
        assert s["milestones_due"][0]["project_code"] == late["code"]
        assert s["milestones_due_count"] == 1
        evm = (
            await client.get(f"/api/v1/portfolios/{pid}/evm", params={"as_of": "2026-01-20"})
        ).json()
        assert s["evm"] == evm["rollup"]
