"""Certifications and training records of resources, and the feed of those that expire within
N days (from today, inclusive at both ends)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, install_response_guard, post_created


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def test_certifications_and_what_expires_within_n_days(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    today = date.today()

    def later(days: int) -> str:
        return str(today + timedelta(days=days))

    ann = await post_created(client, "/api/v1/resources", {"name": "Ann"})
    ben = await post_created(client, "/api/v1/resources", {"name": "Ben"})
    path = f"/api/v1/resources/{ann['id']}/certifications"
    issued = str(today - timedelta(days=400))
    await post_created(
        client, path, {"name": "PRINCE2", "issued_on": issued, "expires_on": later(10)}
    )
    await post_created(client, path, {"name": "First aid", "issued_on": issued})  # never expires
    await post_created(
        client, path, {"name": "Expired", "issued_on": issued, "expires_on": later(-1)}
    )
    await post_created(
        client,
        f"/api/v1/resources/{ben['id']}/certifications",
        {"name": "AWS", "issued_on": issued, "expires_on": later(30)},
    )
    await post_created(
        client,
        f"/api/v1/resources/{ben['id']}/certifications",
        {"name": "Scrum", "issued_on": issued, "expires_on": later(0)},
    )
    listed = await client.get(path)
    assert [c["name"] for c in listed.json()["data"]] == ["PRINCE2", "First aid", "Expired"]

    async def expiring(**params: object) -> list[tuple[str, str]]:
        response = await client.get("/api/v1/certifications/expiring", params=params)
        assert response.status_code == 200, response.text
        return [(c["resource_name"], c["name"]) for c in response.json()["data"]]

    # Default 30 days: today's, the 10th day's and the 30th day's, soonest first.
    assert await expiring() == [("Ben", "Scrum"), ("Ann", "PRINCE2"), ("Ben", "AWS")]
    assert await expiring(within_days=9) == [("Ben", "Scrum")]
    assert await expiring(within_days=0) == [("Ben", "Scrum")]
    csv = await client.get("/api/v1/certifications/expiring", params={"format": "csv"})
    assert csv.text.splitlines()[0].endswith("resource_name")
    # Expiry before issue is a 422 naming it; a bad window names within_days.
    bad = {"name": "X", "issued_on": later(0), "expires_on": later(-1)}
    assert_problem(await client.post(path, json=bad), 422, loc=["body", "expires_on"])
    wide = await client.get("/api/v1/certifications/expiring", params={"within_days": -1})
    assert_problem(wide, 422, loc=["query", "within_days"])
    # Any key reads them; only an admin not limited to portfolios writes them.
    key = await harness.make_key(app, Role.admin, [])
    async with harness.http_client(app, key) as limited:
        assert (await limited.get("/api/v1/certifications/expiring")).status_code == 200
        refused = await limited.post(path, json={"name": "Y", "issued_on": later(0)})
        assert_problem(refused, 403)
