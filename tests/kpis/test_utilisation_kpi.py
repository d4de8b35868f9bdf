"""The built-in KPI utilisation, per resource and calendar month, through
/api/v1/resource-kpi-values, worked by hand over October (22 weekdays, a holiday on Monday the
12th: 21 working days) and November 2026 (21 weekdays)."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
import pytest

from pmo_api.access.principal import Role
from tests.conftest import http_client, make_key
from tests.factories import (
    assert_problem,
    install_response_guard,
    make_portfolio,
    make_project,
    post_created,
)

FEED = "/api/v1/resource-kpi-values"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def _allocate(client: httpx.AsyncClient, project: dict[str, Any], **body: Any) -> None:
    await post_created(client, f"/api/v1/projects/{project['code']}/allocations", body)


async def _team(client: httpx.AsyncClient) -> dict[str, Any]:
    """Alice (8 h days): October 21 x 8 = 168 h; booked 4 h a day on one project (84 h), 50 %
    on another portfolio's (84 h), a tentative 2 h a day 26-30 Oct (10 h), a rejected 100 h
    (nothing): 178 h. Bob (factor 0.5: 4 h days), employed 19-30 Oct only (10 weekdays): 40 h;
    40 total hours over those two weeks. Carol (8 h days): November 21 x 8 = 168 h; 200 total
    hours over the month."""
    await post_created(client, "/api/v1/holidays", {"day": "2026-10-12", "name": "Holiday"})
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    project = await make_project(client, mine["id"])
    other = await make_project(client, theirs["id"])
    role = await post_created(client, "/api/v1/roles", {"name": "Developer"})
    alice = await post_created(
        client, "/api/v1/resources", {"name": "Alice", "role_id": role["id"]}
    )
    bob = await post_created(
        client,
        "/api/v1/resources",
        {"name": "Bob", "availability_factor": 0.5}
        | {"employment_start": "2026-10-19", "employment_end": "2026-10-30"},
    )
    carol = await post_created(client, "/api/v1/resources", {"name": "Carol"})
    october = {"start_date": "2026-10-01", "end_date": "2026-10-31"}
    a = {"resource_id": alice["id"]}
    await _allocate(client, project, **a, **october, mode="hours_per_day", amount=4)
    await _allocate(client, other, **a, **october, mode="percent", amount=50, status="approved")
    await _allocate(
        client,
        project,
        **a,
        start_date="2026-10-26",
        end_date="2026-10-30",
        mode="hours_per_day",
        amount=2,
    )
    await _allocate(
        client, project, **a, **october, mode="total_hours", amount=100, status="rejected"
    )
    await _allocate(
        client,
        project,
        resource_id=bob["id"],
        start_date="2026-10-19",
        end_date="2026-10-30",
        mode="total_hours",
        amount=40,
    )
    await _allocate(
        client,
        project,
        resource_id=carol["id"],
        start_date="2026-11-01",
        end_date="2026-11-30",
        mode="total_hours",
        amount=200,
    )
    return {"alice": alice, "bob": bob, "carol": carol, "role": role, "portfolio": mine}


def _by_name(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Any, Any]]:
    return {(r["resource_name"], r["measured_on"]): (r["value"], r["status"]) for r in rows}


async def test_worked_example(client: httpx.AsyncClient) -> None:
    team = await _team(client)
    params = {"from": "2026-10-01", "to": "2026-11-30"}
    response = await client.get(FEED, params=params)
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert {r["kpi_code"] for r in rows} == {"utilisation"}
    assert _by_name(rows) == {
        # 178 / 168 = 105.9524 %: amber (above 100, not above 110).
        ("Alice", "2026-10-31"): (105.9524, "amber"),
        ("Alice", "2026-11-30"): (0.0, "green"),
        # 40 / (10 days x 8 h x 0.5) = 100 %: exactly the amber threshold, green.
        ("Bob", "2026-10-31"): (100.0, "green"),
        # No capacity (no longer employed): no value, no status.
        ("Bob", "2026-11-30"): (None, None),
        ("Carol", "2026-10-31"): (0.0, "green"),
        # 200 / 168 = 119.0476 %: red.
        ("Carol", "2026-11-30"): (119.0476, "red"),
    }
    alice = next(r for r in rows if r["resource_name"] == "Alice")
    assert alice["role_id"] == team["role"]["id"]
    keys = [(r["resource_id"], r["kpi_code"], r["measured_on"]) for r in rows]
    assert keys == sorted(keys)
    # The same figure as availability's month, as a percentage.
    month = await client.get(
        f"/api/v1/resources/{team['alice']['id']}/availability",
        params={"from": "2026-10-01", "to": "2026-10-31", "grain": "month"},
    )
    assert month.json()["periods"][0]["utilisation"] == round(105.9524 / 100, 4)


async def test_pages_csv_filters_and_future_months(client: httpx.AsyncClient) -> None:
    team = await _team(client)
    params = {"from": "2026-10-01", "to": "2026-11-30"}
    whole = (await client.get(FEED, params=params)).json()["data"]
    walked, cursor = [], None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        page = (await client.get(FEED, params={**params, "limit": 4, **extra})).json()
        walked += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == whole
    text = (await client.get(FEED, params={**params, "format": "csv"})).text
    from_csv = list(csv.DictReader(io.StringIO(text)))
    assert [(c["resource_name"], c["measured_on"], c["value"]) for c in from_csv] == [
        (r["resource_name"], r["measured_on"], "" if r["value"] is None else str(r["value"]))
        for r in whole
    ]
    by_role = (await client.get(FEED, params={**params, "role_id": team["role"]["id"]})).json()
    assert {r["resource_name"] for r in by_role["data"]} == {"Alice"}
    one = {**params, "resource_id": team["carol"]["id"]}
    assert len((await client.get(FEED, params=one)).json()["data"]) == 2
    other_kpi = (await client.get(FEED, params={**params, "kpi": "cpi"})).json()
    assert other_kpi["data"] == []
    # Months after today (December 2026 when written) are plans: they have rows too.
    ahead = await client.get(
        FEED, params={"from": "2027-01-01", "to": "2027-02-28", "resource_id": team["alice"]["id"]}
    )
    assert [r["measured_on"] for r in ahead.json()["data"]] == ["2027-01-31", "2027-02-28"]
    # A range with no month end in it: no rows.
    inside = await client.get(FEED, params={"from": "2026-10-02", "to": "2026-10-30"})
    assert inside.json()["data"] == []


async def test_bad_ranges_are_refused(client: httpx.AsyncClient) -> None:
    backwards = {"from": "2026-10-31", "to": "2026-10-01"}
    assert_problem(await client.get(FEED, params=backwards), 422, loc=["query", "to"])
    too_long = {"from": "2026-01-01", "to": "2029-12-31"}
    assert_problem(await client.get(FEED, params=too_long), 422, loc=["query", "to"])
    assert_problem(await client.get(FEED, params={"resource_id": "x"}), 422)
    assert_problem(
        await client.get(FEED, params={"cursor": "nonsense"}), 422, loc=["query", "cursor"]
    )


async def test_a_limited_key_sees_every_resource_and_all_its_hours(
    app: Any, client: httpx.AsyncClient
) -> None:
    # Resources are shared by every portfolio; their hours on projects the key cannot see
    # count (unnamed), as availability counts them.
    team = await _team(client)
    params = {"from": "2026-10-01", "to": "2026-11-30"}
    whole = (await client.get(FEED, params=params)).json()["data"]
    key = await make_key(app, Role.viewer, [uuid.UUID(team["portfolio"]["id"])])
    async with http_client(app, key) as limited:
        seen = (await limited.get(FEED, params=params)).json()["data"]
    assert seen == whole
