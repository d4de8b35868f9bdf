"""Unknown query parameters are a 422 naming them, on every operation under /api (a typo must
not silently widen a BI pull), for JSON and CSV alike; the parameters an operation declares
still work."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import assert_problem, make_portfolio, make_project


async def _paths(client: httpx.AsyncClient) -> dict[str, str]:
    portfolio = await make_portfolio(client)
    project = await make_project(client, portfolio["id"])
    code = project["code"]
    milestone = await client.post(
        f"/api/v1/projects/{code}/milestones", json={"name": "m", "due_date": "2026-03-01"}
    )
    assert milestone.status_code == 201, milestone.text
    return {
        "projects": "/api/v1/projects",
        "project (hot route)": f"/api/v1/projects/{code}",
        "portfolios": "/api/v1/portfolios",
        "portfolio": f"/api/v1/portfolios/{portfolio['id']}",
        "portfolio summary": f"/api/v1/portfolios/{portfolio['id']}/summary",
        "portfolio evm": f"/api/v1/portfolios/{portfolio['id']}/evm",
        "milestones": f"/api/v1/projects/{code}/milestones",
        "milestone": f"/api/v1/milestones/{milestone.json()['id']}",
        "costs feed": "/api/v1/costs",
        "budget lines": f"/api/v1/projects/{code}/budget-lines",
        "evm": f"/api/v1/projects/{code}/evm",
        "health": f"/api/v1/projects/{code}/health",
        "risks feed": "/api/v1/risks",
        "kpis": "/api/v1/kpis",
        "kpi values": "/api/v1/kpi-values",
        "status reports": f"/api/v1/projects/{code}/status-reports",
        "api keys": "/api/v1/api-keys",
        "audit events": "/api/v1/audit-events",
    }


class TestUnknownParameters:
    async def test_a_typo_is_a_422_naming_it_on_every_route_family(
        self, client: httpx.AsyncClient
    ) -> None:
        for name, path in (await _paths(client)).items():
            response = await client.get(path, params={"stauts": "active"})
            assert response.status_code == 422, (name, response.text)
            body = assert_problem(response, 422, loc=["query", "stauts"])
            assert "stauts" in body["detail"], name

    async def test_an_odata_filter_is_refused_in_json_and_csv(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_project(client)
        for fmt in ({}, {"format": "csv"}):
            response = await client.get("/api/v1/projects", params={"$filter": "x", **fmt})
            assert_problem(response, 422, loc=["query", "$filter"])

    async def test_a_write_refuses_them_too_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        response = await client.post(
            "/api/v1/projects",
            params={"dry_run": "true"},
            json={"code": "TYPO-1", "portfolio_id": portfolio["id"], "name": "x"},
        )
        assert_problem(response, 422, loc=["query", "dry_run"])
        assert (await client.get("/api/v1/projects/TYPO-1")).status_code == 404

    @pytest.mark.parametrize(
        "params",
        [{"status": "active", "limit": "5"}, {"format": "csv"}, {"sort": "-name", "q": "x"}],
    )
    async def test_declared_parameters_still_work(
        self, client: httpx.AsyncClient, params: dict[str, str]
    ) -> None:
        await make_project(client)
        assert (await client.get("/api/v1/projects", params=params)).status_code == 200


class TestRepeatedParameters:
    async def test_a_one_value_parameter_given_twice_is_a_422(
        self, client: httpx.AsyncClient
    ) -> None:
        for params in ([("q", "a"), ("q", "b")], [("limit", "5"), ("limit", "6")]):
            response = await client.get("/api/v1/portfolios", params=params)
            assert_problem(response, 422, loc=["query", params[0][0]])

    async def test_a_list_filter_may_repeat(self, client: httpx.AsyncClient) -> None:
        params = [("status", "active"), ("status", "on_hold"), ("owner", "null")]
        assert (await client.get("/api/v1/projects", params=params[:2])).status_code == 200
        assert (await client.get("/api/v1/portfolios", params=[params[2]])).status_code == 200
