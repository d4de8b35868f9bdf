"""A project's planned against actual hours and its burn rate, worked by hand over October
2026 (it starts on a Thursday; Monday the 5th begins its first whole week)."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import assert_problem, install_response_guard, make_project, post_created


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def test_planned_against_actual_hours_and_the_burn_rate(client: httpx.AsyncClient) -> None:
    project = await make_project(client, start_date="2026-10-01", finish_date="2026-10-31")
    code = project["code"]
    dev = await post_created(client, "/api/v1/roles", {"name": "Developer"})
    alice = await post_created(client, "/api/v1/resources", {"name": "Alice", "role_id": dev["id"]})
    bob = await post_created(client, "/api/v1/resources", {"name": "Bob"})
    rate = {"effective_from": "2026-01-01", "rate": 100, "currency": "USD"}
    await post_created(client, f"/api/v1/resources/{alice['id']}/rates", rate)
    allocations = f"/api/v1/projects/{code}/allocations"
    # Alice: 4 h on each of 5 weekdays = 20 h; a role-only 16 h over Monday and Tuesday.
    week = {"start_date": "2026-10-05", "end_date": "2026-10-09"}
    body = {**week, "resource_id": alice["id"], "mode": "hours_per_day", "amount": 4}
    await post_created(client, allocations, body)
    role_only = {"start_date": "2026-10-12", "end_date": "2026-10-13", "role_id": dev["id"]}
    await post_created(client, allocations, {**role_only, "mode": "total_hours", "amount": 16})
    entries = f"/api/v1/projects/{code}/time-entries"
    # Alice 5 h + 3 h at 100.00 = 800.00; Bob 2 h without a rate = 0.00; a cost of 250.00.
    for who, day, hours in (
        (alice, "2026-10-05", 5),
        (alice, "2026-10-06", 3),
        (bob, "2026-10-07", 2),
    ):
        await post_created(
            client, entries, {"resource_id": who["id"], "work_date": day, "hours": hours}
        )
    await post_created(
        client, f"/api/v1/projects/{code}/costs", {"incurred_on": "2026-10-20", "amount": 250}
    )

    response = await client.get(f"/api/v1/projects/{code}/resources", params={"grain": "week"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"], body["currency"]) == ("2026-10-01", "2026-10-31", "USD")
    people = [
        (p["name"], p["planned_hours"], p["actual_hours"], p["actual_cost"]) for p in body["people"]
    ]
    assert people == [("Alice", 20, 8, 800), ("Bob", 0, 2, 0)]
    roles = [
        (r["name"], r["planned_hours"], r["unfilled_hours"], r["actual_hours"], r["actual_cost"])
        for r in body["roles"]
    ]
    assert roles == [("Developer", 36, 16, 8, 800), (None, 0, 0, 2, 0)]
    burn = [
        (b["period_start"], b["period_end"], b["actual_cost"], b["labour_cost"], b["hours"])
        for b in body["burn"]
    ]
    assert burn == [
        ("2026-10-01", "2026-10-04", 0, 0, 0),
        ("2026-10-05", "2026-10-11", 800, 800, 10),
        ("2026-10-12", "2026-10-18", 0, 0, 0),
        ("2026-10-19", "2026-10-25", 250, 0, 0),
        ("2026-10-26", "2026-10-31", 0, 0, 0),
    ]
    monthly = await client.get(f"/api/v1/projects/{code}/resources")
    assert [(b["actual_cost"], b["labour_cost"], b["hours"]) for b in monthly.json()["burn"]] == [
        (1050, 800, 10)
    ]
    # CSV: one table of the three, with the project's id on each row.
    project_id = body["project_id"]
    for table, line in (
        ("people", f"{project_id},{alice['id']},Alice,{dev['id']},20.0,8.0,800.0"),
        ("roles", f"{project_id},{dev['id']},Developer,36.0,16.0,8.0,800.0"),
        ("burn", f"{project_id},2026-10-05,2026-10-11,800.0,800.0,10.0,USD"),
    ):
        csv = await client.get(
            f"/api/v1/projects/{code}/resources",
            params={"grain": "week", "format": "csv", "table": table},
        )
        assert csv.status_code == 200, csv.text
        assert csv.headers["content-type"].startswith("text/csv")
        assert line in csv.text.splitlines(), csv.text
    header = (await client.get(f"/api/v1/projects/{code}/resources.csv")).text.splitlines()[0]
    assert header == "project_id,resource_id,name,role_id,planned_hours,actual_hours,actual_cost"
    assert_problem(
        await client.get(f"/api/v1/projects/{code}/resources", params={"table": "nope"}),
        422,
        loc=["query", "table"],
    )

    # Without dates, allocations or entries there is no window: a 422 naming `from`.
    bare = await make_project(client)
    assert_problem(
        await client.get(f"/api/v1/projects/{bare['code']}/resources"), 422, loc=["query", "from"]
    )
    assert (await client.get("/api/v1/projects/NOPE-1/resources")).status_code == 404
