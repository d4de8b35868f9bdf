"""A programme's rollups are the sums of its projects' figures (never averages), and moving a
project between programmes moves its figures."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import assert_problem, evm_of, make_portfolio, make_project, post_created
from tests.programs.test_programs import make_program

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10", "status": "active"}
AS_OF = "2026-01-20"  # after every project's finish: each one's PV is its whole BAC


async def _project(
    client: httpx.AsyncClient,
    portfolio_id: str,
    program_id: str | None,
    *,
    budget: int,
    done: bool,
    spent: int,
) -> dict[str, Any]:
    project = await make_project(client, portfolio_id, program_id=program_id, budget=budget, **JAN)
    code = project["code"]
    milestone = {"name": "all", "due_date": "2026-01-10"}
    if done:
        milestone["completed_on"] = "2026-01-10"
    await post_created(client, f"/api/v1/projects/{code}/milestones", milestone)
    if spent:
        await post_created(
            client, f"/api/v1/projects/{code}/costs", {"incurred_on": "2026-01-05", "amount": spent}
        )
    return project


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestRollups:
    async def test_evm_and_summary_are_sums_of_the_projects(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        program = await make_program(client, pid)
        # P1: BAC 1000, its one milestone done (EV 1000), AC 1200 -> CPI 0.8333
        # P2: BAC  500, nothing done (EV 0),                AC  100 -> CPI 0
        # P3: BAC  300, done (EV 300),                      AC    0 -> CPI undefined
        p1 = await _project(client, pid, program["id"], budget=1000, done=True, spent=1200)
        p2 = await _project(client, pid, program["id"], budget=500, done=False, spent=100)
        p3 = await _project(client, pid, program["id"], budget=300, done=True, spent=0)
        # Outside the programme (same portfolio): never counted.
        await _project(client, pid, None, budget=9000, done=False, spent=50)
        evm = await _get(client, f"/api/v1/programs/{program['id']}/evm", as_of=AS_OF)
        rollup = evm["rollup"]
        # Sums: BAC = PV = 1000 + 500 + 300 = 1800; EV = 1000 + 0 + 300 = 1300;
        # AC = 1200 + 100 + 0 = 1300. Indices from the sums: CPI = 1300 / 1300 = 1.0,
        # SPI = 1300 / 1800 = 0.7222 (the mean of the projects' CPIs would be 0.4167).
        assert (rollup["bac"], rollup["pv"], rollup["ev"], rollup["ac"]) == (1800, 1800, 1300, 1300)
        assert rollup["cpi"] == 1.0
        assert rollup["spi"] == 0.7222
        assert rollup["cv"] == 0 and rollup["sv"] == -500
        projects = [await evm_of(client, p["code"], AS_OF) for p in (p1, p2, p3)]
        for figure in ("bac", "pv", "ev", "ac"):
            assert rollup[figure] == sum(p[figure] for p in projects)
        assert [r["code"] for r in evm["projects"]] == sorted(p["code"] for p in (p1, p2, p3))
        assert evm["program_id"] == program["id"] and evm["portfolio_id"] == pid
        summary = await _get(client, f"/api/v1/programs/{program['id']}/summary", as_of=AS_OF)
        assert summary["projects"]["total"] == 3
        assert summary["budget_total"] == 1800 and summary["actual_total"] == 1300
        assert summary["evm"] == rollup
        # The portfolio still counts all four: 1800 + 9000 = 10800.
        whole = await _get(client, f"/api/v1/portfolios/{pid}/summary", as_of=AS_OF)
        assert whole["budget_total"] == 10800 and whole["projects"]["total"] == 4

    async def test_moving_a_project_moves_its_figures(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        one = await make_program(client, pid, n=1)
        two = await make_program(client, pid, n=2)
        await _project(client, pid, one["id"], budget=1000, done=True, spent=800)
        mover = await _project(client, pid, one["id"], budget=400, done=False, spent=100)
        await _project(client, pid, two["id"], budget=200, done=True, spent=200)

        async def bac_ac(program: dict[str, Any]) -> tuple[float, float]:
            body = await _get(client, f"/api/v1/programs/{program['id']}/evm", as_of=AS_OF)
            return body["rollup"]["bac"], body["rollup"]["ac"]

        # one: BAC 1000 + 400 = 1400, AC 800 + 100 = 900; two: BAC 200, AC 200.
        assert await bac_ac(one) == (1400, 900)
        assert await bac_ac(two) == (200, 200)
        moved = await client.patch(
            f"/api/v1/projects/{mover['code']}", json={"program_id": two["id"]}
        )
        assert moved.status_code == 200, moved.text
        # one: 1000, 800; two: 200 + 400 = 600, 200 + 100 = 300.
        assert await bac_ac(one) == (1000, 800)
        assert await bac_ac(two) == (600, 300)

    async def test_health_is_the_worst_of_its_projects_explained(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        program = await make_program(client, pid)
        # On plan (green) and one with an overdue open gate (red); one not started (not judged).
        green = await _project(client, pid, program["id"], budget=100, done=True, spent=100)
        red = await make_project(client, pid, program_id=program["id"], **JAN)
        await post_created(
            client,
            f"/api/v1/projects/{red['code']}/milestones",
            {"name": "gate", "due_date": "2026-01-05", "is_gate": True},
        )
        idle = await make_project(client, pid, program_id=program["id"])
        health = await _get(client, f"/api/v1/programs/{program['id']}/health")
        assert health["health"] == "red"
        assert health["decided_by"] == [red["code"]]
        by_code = {p["code"]: p for p in health["projects"]}
        assert by_code[green["code"]]["health"] == "green"
        assert by_code[idle["code"]]["health"] is None
        assert by_code[idle["code"]]["reason"] == "not started"
        assert "milestones" in by_code[red["code"]]["decided_by"]
        empty = await make_program(client, pid, n=2)
        nothing = await _get(client, f"/api/v1/programs/{empty['id']}/health")
        assert nothing["health"] is None and nothing["projects"] == []

    async def test_risk_matrix_counts_only_its_projects(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        pid = portfolio["id"]
        program = await make_program(client, pid)
        inside = await make_project(client, pid, program_id=program["id"])
        outside = await make_project(client, pid)
        for project, p, i in ((inside, 5, 5), (inside, 2, 3), (outside, 5, 5)):
            await post_created(
                client,
                f"/api/v1/projects/{project['code']}/risks",
                {"title": "r", "probability": p, "impact": i, "cost_impact": 100},
            )
        matrix = await _get(client, f"/api/v1/programs/{program['id']}/risk-matrix")
        assert matrix["open_risks"] == 2
        cells = {(c["probability"], c["impact"]): c["count"] for c in matrix["cells"]}
        assert cells[(5, 5)] == 1 and cells[(2, 3)] == 1
        whole = await _get(client, f"/api/v1/portfolios/{pid}/risk-matrix")
        assert whole["open_risks"] == 3

    async def test_rollups_of_a_missing_program_are_404(self, client: httpx.AsyncClient) -> None:
        gone = "00000000-0000-0000-0000-000000000000"
        for rollup in ("evm", "summary", "health", "risk-matrix"):
            assert_problem(await client.get(f"/api/v1/programs/{gone}/{rollup}"), 404)
