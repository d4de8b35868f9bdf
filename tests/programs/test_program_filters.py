"""`program_id` narrows every list and feed that `portfolio_id` narrows: the rows of the
programme's projects only (repeat for OR; a programme of no rows, or one that does not
exist, matches nothing)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import make_portfolio, make_project, post_created
from tests.programs.test_programs import make_program


async def _populate(client: httpx.AsyncClient, code: str, resource_id: str) -> None:
    base = f"/api/v1/projects/{code}"
    await post_created(client, f"{base}/milestones", {"name": "m", "due_date": "2026-01-10"})
    await post_created(client, f"{base}/costs", {"incurred_on": "2026-01-05", "amount": 10})
    await post_created(client, f"{base}/risks", {"title": "r", "probability": 2, "impact": 2})
    await post_created(client, f"{base}/status-reports", {"period_end": "2026-01-31"})
    allocation = {
        "resource_id": resource_id,
        "start_date": "2026-01-05",
        "end_date": "2026-01-09",
        "mode": "percent",
        "amount": 10,
    }
    await post_created(client, f"{base}/allocations", allocation)


class TestProgramFilters:
    async def test_every_feed_narrows_to_the_programme(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        one, two = await make_program(client, pid, n=1), await make_program(client, pid, n=2)
        resource = await post_created(client, "/api/v1/resources", {"name": "Res"})
        p1 = await make_project(client, pid, program_id=one["id"], status="active")
        p2 = await make_project(client, pid, program_id=two["id"], status="active")
        p3 = await make_project(client, pid, status="active")
        for project in (p1, p2, p3):
            await _populate(client, project["code"], resource["id"])

        async def project_ids(path: str, params: list[tuple[str, str]]) -> set[str]:
            response = await client.get(path, params=[*params, ("limit", "500")])
            assert response.status_code == 200, (path, response.text)
            rows: list[dict[str, Any]] = response.json()["data"]
            return {str(r.get("project_id") or r.get("id")) for r in rows}

        feeds = [
            "/api/v1/projects",
            "/api/v1/milestones",
            "/api/v1/costs",
            "/api/v1/risks",
            "/api/v1/status-reports",
            "/api/v1/allocations",
            "/api/v1/kpi-values",
        ]
        for path in feeds:
            assert await project_ids(path, [("program_id", one["id"])]) == {p1["id"]}, path
            both = [("program_id", one["id"]), ("program_id", two["id"])]
            assert await project_ids(path, both) == {p1["id"], p2["id"]}, path
            assert await project_ids(path, [("portfolio_id", pid)]) == {
                p1["id"],
                p2["id"],
                p3["id"],
            }, path
            nowhere = [("program_id", str(uuid.uuid4()))]
            assert await project_ids(path, nowhere) == set(), path
