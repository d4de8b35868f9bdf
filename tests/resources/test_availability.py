"""A resource's availability, worked by hand: a part-time factor, a holiday, whole and partial
days off, a percent allocation that follows a capacity change (June 2026); an employment end
mid-month, `total_hours` spread over the working days, `hours_per_day`, a rejected allocation
(July 2026). Holidays are the organisation's: each test owns its days.

June 2026 starts on a Monday; July 2026 on a Wednesday."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from tests.factories import (
    assert_problem,
    install_response_guard,
    make_portfolio,
    make_project,
    post_created,
)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def availability(
    client: httpx.AsyncClient, resource_id: str, first: str, last: str, grain: str
) -> list[dict[str, Any]]:
    params = {"from": first, "to": last, "grain": grain}
    response = await client.get(f"/api/v1/resources/{resource_id}/availability", params=params)
    assert response.status_code == 200, response.text
    periods: list[dict[str, Any]] = response.json()["periods"]
    return periods


def figures(periods: list[dict[str, Any]], *names: str) -> list[tuple[Any, ...]]:
    return [
        (
            p["period_start"],
            *(p["allocated"][n[10:]] if n.startswith("allocated.") else p[n] for n in names),
        )
        for p in periods
    ]


async def allocate(client: httpx.AsyncClient, project: str, **body: Any) -> dict[str, Any]:
    return await post_created(client, f"/api/v1/projects/{project}/allocations", body)


async def test_part_time_holiday_time_off_and_a_percent_allocation_that_follows_capacity(
    client: httpx.AsyncClient,
) -> None:
    person = await post_created(
        client, "/api/v1/resources", {"name": "Half-time", "availability_factor": 0.5}
    )
    base = f"/api/v1/resources/{person['id']}"
    holiday = await post_created(client, "/api/v1/holidays", {"day": "2026-06-04", "name": "H"})
    await post_created(
        client, f"{base}/time-off", {"start_date": "2026-06-10", "end_date": "2026-06-11"}
    )
    partial = {"start_date": "2026-06-15", "end_date": "2026-06-16", "hours_per_day": 4}
    await post_created(client, f"{base}/time-off", partial)
    try:
        # Weeks: 4 days x 4 h (the holiday); 3 x 4 (two days off); 2 x (8-4) x 0.5 + 3 x 4;
        # 5 x 4; Monday 29 and Tuesday 30 (the range ends on the 30th).
        weeks = await availability(client, person["id"], "2026-06-01", "2026-06-30", "week")
        assert figures(weeks, "capacity", "period_end") == [
            ("2026-06-01", 16, "2026-06-07"),
            ("2026-06-08", 12, "2026-06-14"),
            ("2026-06-15", 16, "2026-06-21"),
            ("2026-06-22", 20, "2026-06-28"),
            ("2026-06-29", 8, "2026-06-30"),
        ]
        days = await availability(client, person["id"], "2026-06-04", "2026-06-06", "day")
        assert figures(days, "capacity") == [
            ("2026-06-04", 0),
            ("2026-06-05", 4),
            ("2026-06-06", 0),
        ]

        project = await make_project(client, start_date="2026-06-01", finish_date="2026-06-30")
        booked = await allocate(
            client,
            project["code"],
            resource_id=person["id"],
            start_date="2026-06-01",
            end_date="2026-06-30",
            mode="percent",
            amount=50,
            status="approved",
        )
        assert booked["warnings"] == []
        (june,) = await availability(client, person["id"], "2026-06-01", "2026-06-30", "month")
        assert figures(
            [june], "capacity", "allocated.approved", "allocated.total", "available", "utilisation"
        ) == [("2026-06-01", 72, 36, 36, 36, 0.5)]
        # Full time now: the capacity doubles, and the percent allocation with it.
        await client.patch(base, json={"availability_factor": 1})
        (june,) = await availability(client, person["id"], "2026-06-01", "2026-06-30", "month")
        assert (june["capacity"], june["allocated"]["approved"]) == (144, 72)
    finally:
        await client.delete(f"/api/v1/holidays/{holiday['id']}")


async def test_employment_end_total_hours_hours_per_day_and_warnings(
    client: httpx.AsyncClient,
) -> None:
    body = {"name": "Leaving", "employment_end": "2026-07-15"}
    person = await post_created(client, "/api/v1/resources", body)
    project = await make_project(client, start_date="2026-07-01", finish_date="2026-07-31")
    code, rid = project["code"], person["id"]
    # 11 working days in July before the end (1-3, 6-10, 13-15): 44 h is 4 h on each.
    spread = await allocate(
        client,
        code,
        resource_id=rid,
        start_date="2026-07-01",
        end_date="2026-07-31",
        mode="total_hours",
        amount=44,
    )
    assert (spread["status"], spread["warnings"]) == ("tentative", [])
    # 2 h a working day from the 13th: the 13th, 14th and 15th only.
    await allocate(
        client,
        code,
        resource_id=rid,
        start_date="2026-07-13",
        end_date="2026-07-20",
        mode="hours_per_day",
        amount=2,
        status="requested",
    )
    await allocate(
        client,
        code,
        resource_id=rid,
        start_date="2026-07-01",
        end_date="2026-07-31",
        mode="hours_per_day",
        amount=8,
        status="rejected",
    )
    (july,) = await availability(client, rid, "2026-07-01", "2026-07-31", "month")
    assert july["capacity"] == 88
    assert july["allocated"] == {"tentative": 44, "requested": 6, "approved": 0, "total": 50}
    assert (july["available"], july["utilisation"]) == (38, round(50 / 88, 4))
    first_week, *_ = await availability(client, rid, "2026-07-01", "2026-07-31", "week")
    assert (first_week["period_start"], first_week["capacity"]) == ("2026-07-01", 24)
    assert first_week["allocated"]["tentative"] == 12

    # 8 h more on the 1st to 3rd: 12 h a day on 8 h of capacity; from June 29: before the project.
    over = await allocate(
        client,
        code,
        resource_id=rid,
        start_date="2026-06-29",
        end_date="2026-07-03",
        mode="hours_per_day",
        amount=8,
        status="approved",
    )
    assert len(over["warnings"]) == 2
    assert "outside the project's dates" in over["warnings"][0]
    assert "above its capacity on 3 day(s), the first 2026-07-01" in over["warnings"][1]
    again = await client.get(f"/api/v1/allocations/{over['id']}")
    assert again.json()["warnings"] == []


async def test_hours_on_projects_the_caller_cannot_see_count_unnamed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    person = await post_created(client, "/api/v1/resources", {"name": "Shared"})
    for portfolio in (mine, theirs):
        project = await make_project(client, portfolio["id"])
        await allocate(
            client,
            project["code"],
            resource_id=person["id"],
            start_date="2026-08-03",
            end_date="2026-08-07",
            mode="hours_per_day",
            amount=3,
            status="approved",
        )
    key = await harness.make_key(app, Role.viewer, [uuid.UUID(mine["id"])])
    async with harness.http_client(app, key) as limited:
        (week,) = await availability(limited, person["id"], "2026-08-03", "2026-08-09", "week")
        assert week["allocated"]["approved"] == 30
        listed = await limited.get("/api/v1/allocations", params={"resource_id": person["id"]})
        assert [a["portfolio_id"] for a in listed.json()["data"]] == [mine["id"]]
        csv = await limited.get(
            f"/api/v1/resources/{person['id']}/availability",
            params={"from": "2026-08-03", "to": "2026-08-09", "format": "csv"},
        )
        assert csv.text.splitlines()[1].split(",")[:4] == [
            person["id"],
            "2026-08-03",
            "2026-08-09",
            "40.0",
        ]
        assert theirs["id"] not in csv.text


async def test_a_range_is_checked(client: httpx.AsyncClient) -> None:
    person = await post_created(client, "/api/v1/resources", {"name": "Ranged"})
    url = f"/api/v1/resources/{person['id']}/availability"
    backwards = await client.get(url, params={"from": "2026-02-01", "to": "2026-01-01"})
    assert_problem(backwards, 422, loc=["query", "to"])
    too_long = await client.get(url, params={"from": "2026-01-01", "to": "2030-01-01"})
    assert_problem(too_long, 422, loc=["query", "to"])
    missing = await client.get(url, params={"to": "2026-01-01"})
    assert_problem(missing, 422, loc=["query", "from"])
    nobody = f"/api/v1/resources/{uuid.uuid4()}/availability"
    assert_problem(await client.get(nobody, params={"from": "2026-01-01", "to": "2026-01-02"}), 404)


async def test_an_allocation_spans_at_most_the_range_of_a_view(client: httpx.AsyncClient) -> None:
    """A `total_hours` allocation is read over all its days by every view that touches it, so
    one spanning millennia would make a one-day capacity query read millions of days (found by
    `make fuzz`): 1,100 days at most (2026-01-01 + 1,099 days = 2029-01-04), nothing written
    otherwise."""
    project = (await make_project(client))["id"]
    person = await post_created(client, "/api/v1/resources", {"name": "Long haul"})
    body = {"resource_id": person["id"], "mode": "total_hours", "amount": 100}
    url = f"/api/v1/projects/{project}/allocations"
    too_long = {**body, "start_date": "2026-01-01", "end_date": "2029-01-05"}
    assert_problem(await client.post(url, json=too_long), 422, loc=["body", "end_date"])
    assert (await client.get(url)).json()["data"] == []
    await allocate(client, project, **body, start_date="2026-01-01", end_date="2029-01-04")


async def test_over_allocations_are_ranges_above_the_threshold_with_their_allocations(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    person = await post_created(client, "/api/v1/resources", {"name": "Overbooked"})
    # 8 h on one project, 4 h on another the limited caller cannot see: 12 h on 8 h, 3 days
    # (Wednesday 7 to Friday 9 October 2026), and 8 h on Monday 12 (exactly full: not over).
    booked = []
    for portfolio, hours, last in ((mine, 8, "2026-10-12"), (theirs, 4, "2026-10-09")):
        project = await make_project(client, portfolio["id"])
        booked.append(
            await allocate(
                client,
                project["code"],
                resource_id=person["id"],
                start_date="2026-10-07",
                end_date=last,
                mode="hours_per_day",
                amount=hours,
            )
        )
        booked[-1]["project_code"] = project["code"]
    key = await harness.make_key(app, Role.viewer, [uuid.UUID(mine["id"])])
    window = {"from": "2026-10-01", "to": "2026-10-31"}

    async def over(reader: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
        response = await reader.get("/api/v1/over-allocations", params={**window, **params})
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["data"]
        return [row for row in rows if row["resource_id"] == person["id"]]

    def shown(a: dict[str, Any]) -> dict[str, Any]:
        names = ("id", "project_id", "project_code", "status", "mode", "amount")
        return {n: a[n] for n in (*names, "start_date", "end_date")}

    # Three adjacent days above capacity are one range: capacity 3 x 8 = 24 h, booked
    # 3 x 12 = 36 h, over by 36 - 24 = 12 h, utilisation 36 / 24 = 1.5.
    async with harness.http_client(app, key) as limited:
        (found,) = await over(limited)
    assert found == {
        "resource_id": person["id"],
        "resource_name": "Overbooked",
        "period_start": "2026-10-07",
        "period_end": "2026-10-09",
        "capacity": 24,
        "allocated": 36,
        "over_by_hours": 12,
        "utilisation": 1.5,
        "allocations": [shown(booked[0])],
        "hidden_allocations": 1,
    }
    # The unlimited caller sees both allocations named.
    (everything,) = await over(client)
    assert everything["allocations"] == [shown(a) for a in booked]
    assert everything["hidden_allocations"] == 0
    assert await over(client, threshold=1.5) == []
    # At 1.2 x capacity the line is 3 x 9.6 = 28.8 h: over by 36 - 28.8 = 7.2 h.
    (lower,) = await over(client, threshold=1.2)
    assert lower["over_by_hours"] == 7.2
    # The week of the 5th has 40 h: 36 h booked is 0.9 of it.
    assert await over(client, grain="week") == []
    (week,) = await over(client, grain="week", threshold=0.8)
    # Over by 36 - 0.8 x 40 = 4 h.
    assert (week["period_start"], week["period_end"]) == ("2026-10-05", "2026-10-11")
    assert (week["capacity"], week["allocated"], week["over_by_hours"]) == (40, 36, 4)
    csv = await client.get("/api/v1/over-allocations", params={**window, "format": "csv"})
    assert csv.text.splitlines()[0] == (
        "resource_id,resource_name,period_start,period_end,capacity,allocated,over_by_hours,"
        "utilisation,hidden_allocations,allocation_ids"
    )
    ids = " ".join(a["id"] for a in booked)
    assert f"{person['id']},Overbooked,2026-10-07,2026-10-09,24.0,36.0,12.0,1.5,0,{ids}" in csv.text
    assert_problem(
        await client.get("/api/v1/over-allocations", params={**window, "threshold": 0}),
        422,
        loc=["query", "threshold"],
    )


async def test_a_setting_makes_over_allocation_a_409_that_writes_nothing(
    client: httpx.AsyncClient, database_url: str, admin_key: str
) -> None:
    project = (await make_project(client))["code"]
    person = await post_created(client, "/api/v1/resources", {"name": "Strictly booked"})
    # 6 h a day on 8 h (Monday 2 to Friday 6 November 2026): within capacity.
    base = {"resource_id": person["id"], "start_date": "2026-11-02", "end_date": "2026-11-06"}
    six = await allocate(client, project, **base, mode="hours_per_day", amount=6)
    url = f"/api/v1/projects/{project}/allocations"
    strict = create_app(harness.test_settings(database_url, over_allocation="refuse"))
    async with LifespanManager(strict), harness.http_client(strict, admin_key) as refusing:
        # 6 + 3 = 9 h on 8 h: refused, and nothing written.
        over = {**base, "mode": "hours_per_day", "amount": 3}
        problem = assert_problem(await refusing.post(url, json=over), 409)
        assert "above its capacity on 5 day(s), the first 2026-11-02" in problem["detail"]
        assert [a["id"] for a in (await refusing.get(url)).json()["data"]] == [six["id"]]
        # A change that overbooks is refused too, and the allocation stays as it was.
        patch = await refusing.patch(
            f"/api/v1/allocations/{six['id']}",
            json={"amount": 9},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert_problem(patch, 409)
        again = (await refusing.get(f"/api/v1/allocations/{six['id']}")).json()
        assert (again["amount"], again["version"]) == (6, six["version"])
        # 2 h more fills the day exactly: accepted, without a warning.
        fits = await refusing.post(url, json={**base, "mode": "hours_per_day", "amount": 2})
        assert fits.status_code == 201, fits.text
        assert fits.json()["warnings"] == []
        # The same refusal over GraphQL, as a user error.
        mutation = """mutation($p: String!, $i: AllocationCreateInput!) {
          createAllocation(project: $p, input: $i) { __typename ... on UserError { message } } }"""
        variables = {
            "p": project,
            "i": {
                "resourceId": person["id"],
                "startDate": "2026-11-02",
                "endDate": "2026-11-02",
                "mode": "HOURS_PER_DAY",
                "amount": 1,
            },
        }
        result = await refusing.post("/graphql", json={"query": mutation, "variables": variables})
        answer = result.json()["data"]["createAllocation"]
        assert answer["__typename"] == "ConflictError", answer
    # The default setting accepts the same overbooking with a warning.
    warned = await client.post(url, json={**base, "mode": "hours_per_day", "amount": 1})
    assert warned.status_code == 201
    assert "above its capacity" in warned.json()["warnings"][0]


async def test_over_allocations_come_a_page_of_resources_at_a_time(
    client: httpx.AsyncClient,
) -> None:
    project = await make_project(client)
    # Three people, each booked 10 h a day on 8 h on Monday 5 October 2026: one range each.
    names = ["Paging A", "Paging B", "Paging C"]
    for name in names:
        person = await post_created(client, "/api/v1/resources", {"name": name})
        await allocate(
            client,
            project["code"],
            resource_id=person["id"],
            start_date="2026-10-05",
            end_date="2026-10-05",
            mode="hours_per_day",
            amount=10,
        )
    window = {"from": "2026-10-05", "to": "2026-10-05"}
    seen: list[str] = []
    params: dict[str, Any] = {**window, "limit": 2}
    pages = 0
    while True:
        response = await client.get("/api/v1/over-allocations", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len({r["resource_id"] for r in body["data"]}) <= 2
        seen += [r["resource_name"] for r in body["data"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        params = {**window, "limit": 2, "cursor": body["next_cursor"]}
    # Every resource once, in name order, over pages of two resources.
    ours = [n for n in seen if n.startswith("Paging ")]
    assert ours == names and len(seen) == len(set(seen)) and pages >= 2
    bad = await client.get("/api/v1/over-allocations", params={**window, "cursor": "bm9wZQ"})
    assert_problem(bad, 422, loc=["query", "cursor"])
