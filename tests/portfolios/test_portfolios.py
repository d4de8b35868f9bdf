"""Portfolios over REST: the rules they keep while they have projects (currency, deletion), and
their objectives."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import (
    assert_problem,
    install_response_guard,
    list_all,
    make_portfolio,
    make_project,
)

PROJECTS = "/api/v1/projects"
PORTFOLIOS = "/api/v1/portfolios"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestPortfolioRulesWithProjects:
    async def test_currency_cannot_change_while_the_portfolio_has_projects(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PORTFOLIOS}/{project['portfolio_id']}"
        before = (await client.get(url)).json()

        refused = await client.patch(url, json={"currency": "EUR"})

        assert_problem(refused, 409)
        assert (await client.get(url)).json() == before
        assert (await client.get(f"{PROJECTS}/{project['id']}")).json()["currency"] == "USD"
        empty = await make_portfolio(client)
        changed = await client.patch(f"{PORTFOLIOS}/{empty['id']}", json={"currency": "EUR"})
        assert changed.status_code == 200
        assert changed.json()["currency"] == "EUR"

    async def test_a_portfolio_with_projects_cannot_be_deleted_until_they_are_gone(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PORTFOLIOS}/{project['portfolio_id']}"

        assert_problem(await client.delete(url), 409)
        assert (await client.get(url)).status_code == 200

        assert (await client.delete(f"{PROJECTS}/{project['id']}")).status_code == 204
        assert (await client.delete(url)).status_code == 204
        assert_problem(await client.get(url), 404)

    async def test_a_project_inherits_its_portfolio_currency(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client, currency="JPY")
        project = await make_project(client, portfolio["id"])
        assert project["currency"] == "JPY"


class TestObjectives:
    async def test_objective_crud_under_its_portfolio(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        base = f"{PORTFOLIOS}/{portfolio['id']}/objectives"

        created = await client.post(base, json={"name": "Grow", "weight": 2.5})
        assert created.status_code == 201
        objective = created.json()
        url = f"{base}/{objective['id']}"
        assert created.headers["location"] == url
        assert created.headers["etag"].startswith('"1-')
        assert objective["portfolio_id"] == portfolio["id"]
        assert objective["weight"] == 2.5
        assert objective["description"] is None
        assert (await client.post(base, json={"name": "Default"})).json()["weight"] == 1.0

        assert (await client.get(url)).json() == objective
        tag = created.headers["etag"]
        assert (await client.get(url, headers={"If-None-Match": tag})).status_code == 304
        assert [o["name"] for o in await list_all(client, base)] == ["Grow", "Default"]

        patched = await client.patch(
            url, json={"weight": 0.5, "description": "why"}, headers={"If-Match": '"1"'}
        )
        assert patched.status_code == 200
        assert patched.json()["weight"] == 0.5
        assert patched.json()["description"] == "why"
        assert patched.json()["version"] == 2
        assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 412)

        assert (await client.delete(url, headers={"If-Match": '"2"'})).status_code == 204
        assert_problem(await client.get(url), 404)
        assert [o["name"] for o in await list_all(client, base)] == ["Default"]

    async def test_weight_must_be_positive_and_finite(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        base = f"{PORTFOLIOS}/{portfolio['id']}/objectives"
        for weight in (0, -1, "heavy", None):
            response = await client.post(base, json={"name": "W", "weight": weight})
            assert_problem(response, 422, loc=["body", "weight"])
        assert await list_all(client, base) == []

        objective = (await client.post(base, json={"name": "W"})).json()
        url = f"{base}/{objective['id']}"
        for cleared in (0, -0.5, None):
            assert_problem(
                await client.patch(url, json={"weight": cleared}), 422, loc=["body", "weight"]
            )
        assert (await client.get(url)).json() == objective

    async def test_an_objective_is_only_reachable_under_its_own_portfolio(
        self, client: httpx.AsyncClient
    ) -> None:
        mine = await make_portfolio(client)
        other = await make_portfolio(client)
        objective = (
            await client.post(f"{PORTFOLIOS}/{mine['id']}/objectives", json={"name": "O"})
        ).json()
        wrong = f"{PORTFOLIOS}/{other['id']}/objectives/{objective['id']}"

        assert_problem(await client.get(wrong), 404)
        assert_problem(await client.patch(wrong, json={"name": "X"}), 404)
        assert_problem(await client.delete(wrong), 404)
        assert await list_all(client, f"{PORTFOLIOS}/{other['id']}/objectives") == []
