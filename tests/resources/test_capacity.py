"""Capacity against demand, worked by hand over the week of Monday 14 September 2026 with an
organisation holiday on Wednesday the 16th: two developers (one at factor 0.5), named demand
on both, a role-only allocation counted as unfilled demand on the standard 8-hour day, and a
rejected allocation that counts for nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import (
    assert_problem,
    install_response_guard,
    make_portfolio,
    make_project,
    post_created,
)

WEEK = {"from": "2026-09-14", "to": "2026-09-20", "grain": "week"}


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def view(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/capacity", params={**WEEK, **params})
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    d = row["demand"]
    return (row["name"], row["capacity"], d["named"], d["unfilled"], d["total"], row["gap"])


async def world(client: httpx.AsyncClient) -> dict[str, Any]:
    await post_created(client, "/api/v1/holidays", {"day": "2026-09-16", "name": "Holiday"})
    dev = await post_created(client, "/api/v1/roles", {"name": "Developer"})
    alice = await post_created(client, "/api/v1/resources", {"name": "Alice", "role_id": dev["id"]})
    bob = await post_created(
        client,
        "/api/v1/resources",
        {"name": "Bob", "role_id": dev["id"], "availability_factor": 0.5},
    )
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    here = await make_project(client, mine["id"])
    there = await make_project(client, theirs["id"])
    week = {"start_date": "2026-09-14", "end_date": "2026-09-18"}
    path = f"/api/v1/projects/{here['code']}/allocations"
    await post_created(
        client, path, {**week, "resource_id": alice["id"], "mode": "hours_per_day", "amount": 6}
    )
    await post_created(
        client, path, {**week, "resource_id": bob["id"], "mode": "percent", "amount": 50}
    )
    rejected = {"resource_id": alice["id"], "mode": "hours_per_day", "amount": 8}
    await post_created(client, path, {**week, **rejected, "status": "rejected"})
    # Role-only demand, on the other portfolio's project.
    await post_created(
        client,
        f"/api/v1/projects/{there['code']}/allocations",
        {**week, "role_id": dev["id"], "mode": "total_hours", "amount": 20},
    )
    return {"dev": dev, "alice": alice, "bob": bob, "mine": mine, "theirs": theirs}


async def test_capacity_by_role_and_by_resource_worked_by_hand(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    # Capacity: Alice 4 working days (the holiday) x 8 = 32, Bob 4 x 8 x 0.5 = 16: 48.
    # Named: Alice 4 x 6 = 24, Bob 50 % of 4 h on 4 days = 8: 32 (the rejected one: 0).
    # Unfilled: 20 h over the 4 standard working days of the week (Mon, Tue, Thu, Fri): 20.
    # Gap: 48 - 32 - 20 = -4.
    (dev,) = await view(client)
    assert dev["role_id"] == w["dev"]["id"]
    assert (dev["period_start"], dev["period_end"]) == ("2026-09-14", "2026-09-20")
    assert figures(dev) == ("Developer", 48, 32, 20, 52, -4)
    alice, bob, unfilled = await view(client, group_by="resource")
    assert figures(alice) == ("Alice", 32, 24, 0, 24, 8)
    assert figures(bob) == ("Bob", 16, 8, 0, 8, 8)
    assert unfilled["resource_id"] is None
    assert figures(unfilled) == (None, 0, 0, 20, 20, -20)
    # By day: Wednesday (the holiday) has no capacity and no demand.
    days = await view(client, grain="day")
    assert [(d["period_start"], d["capacity"], d["demand"]["total"]) for d in days] == [
        ("2026-09-14", 12, 13),
        ("2026-09-15", 12, 13),
        ("2026-09-16", 0, 0),
        ("2026-09-17", 12, 13),
        ("2026-09-18", 12, 13),
        ("2026-09-19", 0, 0),
        ("2026-09-20", 0, 0),
    ]
    # One portfolio's demand: the role-only allocation is the other's.
    (narrowed,) = await view(client, portfolio_id=w["mine"]["id"])
    assert figures(narrowed) == ("Developer", 48, 32, 0, 32, 16)
    # A key limited to the first portfolio: the other's hours count, unnamed; it cannot narrow
    # to a portfolio it does not see.
    key = await harness.make_key(app, Role.viewer, [uuid.UUID(w["mine"]["id"])])
    async with harness.http_client(app, key) as limited:
        response = await limited.get("/api/v1/capacity", params=WEEK)
        assert [figures(r) for r in response.json()["data"]] == [figures(dev)]
        assert w["theirs"]["id"] not in response.text
        hidden = await limited.get(
            "/api/v1/capacity", params={**WEEK, "portfolio_id": w["theirs"]["id"]}
        )
        assert [figures(r) for r in hidden.json()["data"]] == [("Developer", 48, 0, 0, 0, 48)]
    csv = await client.get("/api/v1/capacity", params={**WEEK, "format": "csv"})
    header, row = csv.text.strip().splitlines()
    assert header == "id,name,period_start,period_end,capacity,named,unfilled,demand,gap"
    assert row.split(",")[1:] == [
        "Developer",
        "2026-09-14",
        "2026-09-20",
        "48.0",
        "32.0",
        "20.0",
        "52.0",
        "-4.0",
    ]


async def test_a_bad_range_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    backwards = {**WEEK, "from": "2026-09-20", "to": "2026-09-14"}
    assert_problem(await client.get("/api/v1/capacity", params=backwards), 422, loc=["query", "to"])
    bad = {**WEEK, "group_by": "team"}
    assert_problem(await client.get("/api/v1/capacity", params=bad), 422, loc=["query", "group_by"])
