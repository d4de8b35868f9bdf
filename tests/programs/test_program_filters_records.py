"""`program_id` on the lists of issues 15 and 16 (governance records, the RAID log, time entries)
and on the capacity view: the rows of the programme's projects only, like `portfolio_id`."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import make_portfolio, make_project, post_created
from tests.programs.test_programs import make_program


async def _populate(client: httpx.AsyncClient, code: str, resource_id: str) -> None:
    base = f"/api/v1/projects/{code}"
    plain = await post_created(
        client, f"{base}/milestones", {"name": "a", "due_date": "2026-02-10"}
    )
    gate = {"name": "g", "due_date": "2026-02-20", "is_gate": True}
    gate_row = await post_created(client, f"{base}/milestones", gate)
    await post_created(client, f"{base}/gate-reviews", {"milestone_id": gate_row["id"]})
    dependency = {"predecessor_id": plain["id"], "successor_id": gate_row["id"]}
    await post_created(client, "/api/v1/dependencies", dependency)
    await post_created(client, f"{base}/action-items", {"title": "act"})
    await post_created(client, f"{base}/decisions", {"title": "decide"})
    await post_created(client, f"{base}/change-requests", {"title": "change", "category": "scope"})
    review = await post_created(
        client, f"{base}/quality-reviews", {"kind": "audit", "title": "review"}
    )
    finding = {"severity": "low", "description": "late"}
    await post_created(client, f"/api/v1/quality-reviews/{review['id']}/findings", finding)
    await post_created(client, f"{base}/issues", {"title": "issue"})
    await post_created(client, f"{base}/assumptions", {"statement": "it holds"})
    hours = {"resource_id": resource_id, "work_date": "2026-01-06", "hours": 2}
    await post_created(client, f"{base}/time-entries", hours)
    allocation = {
        "resource_id": resource_id,
        "start_date": "2026-01-05",
        "end_date": "2026-01-09",
        "mode": "hours_per_day",
        "amount": 1,
    }
    await post_created(client, f"{base}/allocations", allocation)


def _project_of(row: dict[str, Any]) -> str:
    # A dependency names its two ends' projects (both the same here).
    return str(row.get("project_id") or (row.get("predecessor") or {}).get("project_id"))


class TestProgramFiltersOnRecords:
    async def test_every_record_list_narrows_to_the_programme(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        one, two = await make_program(client, pid, n=1), await make_program(client, pid, n=2)
        resource = await post_created(client, "/api/v1/resources", {"name": "Res"})
        p1 = await make_project(client, pid, program_id=one["id"], status="active")
        p2 = await make_project(client, pid, program_id=two["id"], status="active")
        p3 = await make_project(client, pid, status="active")
        for project in (p1, p2, p3):
            await _populate(client, project["code"], resource["id"])
        # A decision of the portfolio itself: in the portfolio, in no programme.
        await post_created(client, f"/api/v1/portfolios/{pid}/decisions", {"title": "own"})

        async def project_ids(path: str, params: list[tuple[str, str]]) -> set[str]:
            response = await client.get(path, params=[*params, ("limit", "500")])
            assert response.status_code == 200, (path, response.text)
            return {_project_of(r) for r in response.json()["data"]}

        feeds = [
            "/api/v1/action-items",
            "/api/v1/decisions",
            "/api/v1/change-requests",
            "/api/v1/gate-reviews",
            "/api/v1/quality-reviews",
            "/api/v1/quality-findings",
            "/api/v1/issues",
            "/api/v1/assumptions",
            "/api/v1/dependencies",
            "/api/v1/time-entries",
        ]
        everyone = {p1["id"], p2["id"], p3["id"]}
        for path in feeds:
            assert await project_ids(path, [("program_id", one["id"])]) == {p1["id"]}, path
            both = [("program_id", one["id"]), ("program_id", two["id"])]
            assert await project_ids(path, both) == {p1["id"], p2["id"]}, path
            in_portfolio = await project_ids(path, [("portfolio_id", pid)])
            # The portfolio's own decision has no project (None).
            assert in_portfolio - {"None"} == everyone, path
            nowhere = [("program_id", str(uuid.uuid4()))]
            assert await project_ids(path, nowhere) == set(), path

    async def test_capacity_counts_the_programmes_demand_only(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        one = await make_program(client, pid, n=1)
        resource = await post_created(client, "/api/v1/resources", {"name": "Cap"})
        inside = await make_project(client, pid, program_id=one["id"], status="active")
        outside = await make_project(client, pid, status="active")
        for project, amount in ((inside, 1), (outside, 3)):
            allocation = {
                "resource_id": resource["id"],
                "start_date": "2026-01-05",
                "end_date": "2026-01-09",
                "mode": "hours_per_day",
                "amount": amount,
            }
            await post_created(
                client, f"/api/v1/projects/{project['code']}/allocations", allocation
            )

        async def named(params: dict[str, str]) -> float:
            query = {"from": "2026-01-05", "to": "2026-01-09", "group_by": "resource", **params}
            response = await client.get("/api/v1/capacity", params=query)
            assert response.status_code == 200, response.text
            rows = [r for r in response.json()["data"] if r["resource_id"] == resource["id"]]
            return float(sum(r["demand"]["named"] for r in rows))

        # Mon 5 to Fri 9 January: 5 working days; 1 h a day inside the programme (5 h),
        # 3 h a day outside it (15 h).
        assert await named({"program_id": one["id"]}) == 5.0
        assert await named({"portfolio_id": pid}) == 20.0
        assert await named({"program_id": str(uuid.uuid4())}) == 0.0
