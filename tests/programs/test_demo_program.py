"""The demo PMO has a programme of three projects, whose rollups are theirs summed."""

from __future__ import annotations

import httpx

import tests.conftest as harness
from pmo_api.demo import seed_demo


class TestDemoProgram:
    async def test_the_demo_has_a_programme_of_three_projects(
        self, client: httpx.AsyncClient, database_url: str
    ) -> None:
        assert await seed_demo(harness.test_settings(database_url), only_if_empty=True)
        programs = (await client.get("/api/v1/programs")).json()["data"]
        assert [p["name"] for p in programs] == ["Core Platforms"]
        program = programs[0]
        assert len(program["objectives"]) == 2
        members = await client.get("/api/v1/projects", params={"program_id": program["id"]})
        codes = sorted(p["code"] for p in members.json()["data"])
        assert codes == ["CRM-2026", "DATA-LAKE", "ERP-UPG"]
        evm = (await client.get(f"/api/v1/programs/{program['id']}/evm")).json()
        # BAC: 1,850,000 + 4,200,000 + 960,000 = 7,010,000
        assert evm["rollup"]["bac"] == 7_010_000
        for figure in ("bac", "pv", "ev", "ac"):
            total = sum(row[figure] for row in evm["projects"])
            assert abs(evm["rollup"][figure] - total) < 0.005, figure
        health = (await client.get(f"/api/v1/programs/{program['id']}/health")).json()
        assert health["health"] == "red" and health["decided_by"] == ["DATA-LAKE"]
