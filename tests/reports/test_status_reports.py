"""Status reports: drafts change, `publish` freezes the snapshot of earned value and KPI values
as of period_end, and a published report never changes, whatever data arrives later."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import assert_problem, make_project

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10"}


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


class TestStatusReports:
    async def test_publish_freezes_the_snapshot(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=1000, **JAN)
        base = f"/api/v1/projects/{project['code']}"
        await _post(
            client,
            f"{base}/milestones",
            {"name": "a", "due_date": "2026-01-04", "completed_on": "2026-01-04", "weight": 1},
        )
        await _post(
            client, f"{base}/milestones", {"name": "b", "due_date": "2026-01-10", "weight": 3}
        )
        await _post(client, f"{base}/costs", {"incurred_on": "2026-01-03", "amount": 300})
        draft = await _post(
            client,
            f"{base}/status-reports",
            {"period_end": "2026-01-04", "overall": "amber", "summary": "ok"},
        )
        assert (draft["state"], draft["snapshot"], draft["published_at"]) == ("draft", None, None)
        path = f"/api/v1/status-reports/{draft['id']}"
        edited = await client.patch(path, json={"summary": "late"}, headers={"If-Match": '"1"'})
        assert edited.status_code == 200 and edited.json()["version"] == 2

        published = await client.post(f"{path}/publish", headers={"If-Match": '"2"'})
        assert published.status_code == 200, published.text
        report = published.json()
        assert report["state"] == "published" and report["published_at"] is not None
        snap = report["snapshot"]
        assert snap["as_of"] == "2026-01-04"
        # EV 1000 x 1/4 = 250, AC 300, PV 400: CPI 0.8333
        assert (snap["evm"]["ev"], snap["evm"]["ac"], snap["evm"]["cpi"]) == (250.0, 300.0, 0.8333)
        kpis = {k["kpi_code"]: k for k in snap["kpis"]}
        assert kpis["cost_variance"]["value"] == -50.0

        # Later data: a cost back-dated into the period, another milestone completed in it.
        await _post(client, f"{base}/costs", {"incurred_on": "2026-01-02", "amount": 500})
        second = (await client.get(f"{base}/milestones")).json()["data"][1]
        await client.patch(
            f"/api/v1/milestones/{second['id']}", json={"completed_on": "2026-01-03"}
        )
        live = (await client.get(f"{base}/evm", params={"as_of": "2026-01-04"})).json()
        assert (live["ac"], live["ev"]) == (800.0, 1000.0)  # the data did change...
        again = (await client.get(path)).json()
        assert again["snapshot"] == snap  # ...the published snapshot did not
        assert again["version"] == report["version"]

        # Immutable: changes, deletion and a second publication are 409s.
        assert_problem(await client.patch(path, json={"summary": "x"}), 409)
        assert_problem(await client.delete(path), 409)
        assert_problem(await client.post(f"{path}/publish"), 409)
        assert (await client.get(path)).json() == again

    async def test_drafts_and_validation(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        base = f"/api/v1/projects/{project['code']}/status-reports"
        assert_problem(
            await client.post(base, json={"period_end": "2026-01-31", "overall": "blue"}),
            422,
            loc=["body", "overall"],
        )
        draft = await _post(client, base, {"period_end": "2026-01-31"})
        stale = await client.post(
            f"/api/v1/status-reports/{draft['id']}/publish", headers={"If-Match": '"7"'}
        )
        assert_problem(stale, 412)
        listed = (await client.get(base, params={"state": "draft"})).json()["data"]
        assert [r["id"] for r in listed] == [draft["id"]]
        assert (await client.delete(f"/api/v1/status-reports/{draft['id']}")).status_code == 204
        assert (await client.get(base)).json()["data"] == []
