"""A project's status lifecycle: every transition is a 200 where the lifecycle allows it and a
409 that leaves the project as it was elsewhere; a walk through the whole lifecycle succeeds."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import assert_problem, install_response_guard, make_portfolio, make_project

PROJECTS = "/api/v1/projects"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


# proposed → approved → active ⇄ on_hold → completed; any non-final → cancelled. Completing
# straight from `active` is the project's documented reading (projects/lifecycle.py).
STATUSES = ("proposed", "approved", "active", "on_hold", "completed", "cancelled")


ALLOWED = {
    ("proposed", "approved"),
    ("approved", "active"),
    ("active", "on_hold"),
    ("on_hold", "active"),
    ("on_hold", "completed"),
    ("active", "completed"),
    ("proposed", "cancelled"),
    ("approved", "cancelled"),
    ("active", "cancelled"),
    ("on_hold", "cancelled"),
}


class TestStatusLifecycle:
    async def test_every_transition_is_200_if_allowed_else_409_leaving_the_project(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        outcome: dict[tuple[str, str], int] = {}
        untouched: list[tuple[str, str]] = []
        for current in STATUSES:
            for target in STATUSES:
                if target == current:
                    continue
                project = await make_project(client, portfolio_id, status=current)
                url = f"{PROJECTS}/{project['id']}"
                response = await client.patch(url, json={"status": target})
                outcome[(current, target)] = response.status_code
                if response.status_code == 409:
                    assert_problem(response, 409)
                    if (await client.get(url)).json() != project:
                        untouched.append((current, target))
                elif response.status_code == 200:
                    assert response.json()["status"] == target
                    assert response.json()["version"] == 2
        expected = {pair: 200 if pair in ALLOWED else 409 for pair in outcome}
        assert outcome == expected
        assert untouched == []

    async def test_a_walk_through_the_whole_lifecycle_succeeds(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        assert project["status"] == "proposed"
        url = f"{PROJECTS}/{project['id']}"
        path = ["approved", "active", "on_hold", "active", "on_hold", "completed"]
        for version, status in enumerate(path, start=2):
            response = await client.patch(
                url, json={"status": status}, headers={"If-Match": f'"{version - 1}"'}
            )
            assert response.status_code == 200, (status, response.text)
            assert response.json()["version"] == version
        assert_problem(await client.patch(url, json={"status": "cancelled"}), 409)
        assert (await client.get(url)).json()["status"] == "completed"
