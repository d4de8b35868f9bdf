"""The built-in KPI planned_vs_actual_hours, worked by hand over October 2026 (the 1st is a
Thursday; Monday the 5th begins the first whole week): a project's KPIs, the kpi-values feed
(and a key limited to portfolios), agreement with the project's resources view."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pmo_api.access.principal import Role
from tests.conftest import http_client, make_key
from tests.factories import install_response_guard, make_portfolio, make_project, post_created

KPI = "planned_vs_actual_hours"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def _planned_and_worked(client: httpx.AsyncClient, portfolio_id: str) -> dict[str, Any]:
    """Planned: Alice (8 h days) 4 h a day 5-9 Oct = 20 h; Bob (factor 0.5: 4 h days) 50 %
    12-16 Oct = 5 x 2 = 10 h; a role-only 16 h over 12-13 Oct (8 h a standard day); a rejected
    100 h books nothing. 46 h in all. Worked: Alice 6 + 6 + 10 h on 5-7 Oct, 10 + 10 + 8 h on
    20-22 Oct; Bob 4 h on the 12th and the 14th. 58 h in all."""
    project = await make_project(
        client, portfolio_id, start_date="2026-10-01", finish_date="2026-10-31"
    )
    code = project["code"]
    dev = await post_created(client, "/api/v1/roles", {"name": f"Dev {uuid.uuid4().hex[:6]}"})
    alice = await post_created(client, "/api/v1/resources", {"name": "Alice"})
    bob = await post_created(
        client, "/api/v1/resources", {"name": "Bob", "availability_factor": 0.5}
    )
    allocations = f"/api/v1/projects/{code}/allocations"
    for body in (
        {"resource_id": alice["id"], "start_date": "2026-10-05", "end_date": "2026-10-09"}
        | {"mode": "hours_per_day", "amount": 4, "status": "approved"},
        {"resource_id": bob["id"], "start_date": "2026-10-12", "end_date": "2026-10-16"}
        | {"mode": "percent", "amount": 50},  # tentative: it books, as the project view counts
        {"role_id": dev["id"], "start_date": "2026-10-12", "end_date": "2026-10-13"}
        | {"mode": "total_hours", "amount": 16, "status": "requested"},
        {"resource_id": alice["id"], "start_date": "2026-10-19", "end_date": "2026-10-23"}
        | {"mode": "total_hours", "amount": 100, "status": "rejected"},
    ):
        await post_created(client, allocations, body)
    entries = f"/api/v1/projects/{code}/time-entries"
    for who, day, hours in (
        (alice, "2026-10-05", 6),
        (alice, "2026-10-06", 6),
        (alice, "2026-10-07", 10),
        (bob, "2026-10-12", 4),
        (bob, "2026-10-14", 4),
        (alice, "2026-10-20", 10),
        (alice, "2026-10-21", 10),
        (alice, "2026-10-22", 8),
    ):
        await post_created(
            client, entries, {"resource_id": who["id"], "work_date": day, "hours": hours}
        )
    return project


async def _value(client: httpx.AsyncClient, code: str, as_of: str) -> tuple[Any, Any]:
    response = await client.get(f"/api/v1/projects/{code}/kpis", params={"as_of": as_of})
    assert response.status_code == 200, response.text
    rows = {k["kpi_code"]: k for k in response.json()["data"]}
    assert "utilisation" not in rows  # a per-resource KPI has no value in a project's list
    return rows[KPI]["value"], rows[KPI]["status"]


async def test_worked_example_as_of_several_dates(client: httpx.AsyncClient) -> None:
    project = await _planned_and_worked(client, (await make_portfolio(client))["id"])
    code = project["code"]
    # 4 Oct: nothing planned yet (and nothing worked): no ratio.
    assert await _value(client, code, "2026-10-04") == (None, None)
    # 7 Oct: planned 3 x 4 = 12 h, worked 22 h: 22 / 12 = 183.3333 %, red (> 125).
    assert await _value(client, code, "2026-10-07") == (183.3333, "red")
    # 9 Oct: planned 20 h, worked 22 h: 110 %, exactly the amber threshold: green.
    assert await _value(client, code, "2026-10-09") == (110.0, "green")
    # 12 Oct: planned 20 + Bob 2 + role-only 8 = 30 h, worked 26 h: 86.6667 %, green.
    assert await _value(client, code, "2026-10-12") == (86.6667, "green")
    # 14 Oct: planned 20 + 3 x 2 + 16 = 42 h, worked 30 h: 71.4286 %.
    assert await _value(client, code, "2026-10-14") == (71.4286, "green")
    # 20 Oct: planned 46 h, worked 40 h: 86.9565 %.
    assert await _value(client, code, "2026-10-20") == (86.9565, "green")
    # 21 Oct: worked 50 h: 108.6957 %; 22 Oct: 58 h: 126.087 %, red.
    assert await _value(client, code, "2026-10-21") == (108.6957, "green")
    assert await _value(client, code, "2026-10-22") == (126.087, "red")

    # The project view over the same days totals the same hours: one rule for both.
    view = await client.get(
        f"/api/v1/projects/{code}/resources", params={"from": "2026-10-01", "to": "2026-10-22"}
    )
    roles = view.json()["roles"]
    planned = sum(r["planned_hours"] for r in roles)
    actual = sum(r["actual_hours"] for r in roles)
    assert (planned, actual) == (46, 58)


async def test_amber_between_the_thresholds(client: httpx.AsyncClient) -> None:
    # 10 h planned (Mon-Fri 2 h a day), 12 h worked: 120 %, amber (110 < 120 <= 125).
    project = await make_project(client)
    person = await post_created(client, "/api/v1/resources", {"name": "Carol"})
    body = {"resource_id": person["id"], "start_date": "2026-10-05", "end_date": "2026-10-09"}
    await post_created(
        client,
        f"/api/v1/projects/{project['code']}/allocations",
        body | {"mode": "hours_per_day", "amount": 2},
    )
    await post_created(
        client,
        f"/api/v1/projects/{project['code']}/time-entries",
        {"resource_id": person["id"], "work_date": "2026-10-06", "hours": 12},
    )
    assert await _value(client, project["code"], "2026-10-31") == (120.0, "amber")


async def test_no_plan_no_value(client: httpx.AsyncClient) -> None:
    # Hours worked but nothing planned: no ratio (not infinity, not 0).
    project = await make_project(client)
    person = await post_created(client, "/api/v1/resources", {"name": "Dan"})
    await post_created(
        client,
        f"/api/v1/projects/{project['code']}/time-entries",
        {"resource_id": person["id"], "work_date": "2026-10-06", "hours": 5},
    )
    assert await _value(client, project["code"], "2026-10-31") == (None, None)
    # A plan that books nothing (a person with no capacity) is no plan either.
    away = await post_created(
        client, "/api/v1/resources", {"name": "Eve", "employment_end": "2026-01-31"}
    )
    body = {"resource_id": away["id"], "start_date": "2026-10-05", "end_date": "2026-10-09"}
    await post_created(
        client,
        f"/api/v1/projects/{project['code']}/allocations",
        body | {"mode": "percent", "amount": 100},
    )
    assert await _value(client, project["code"], "2026-10-31") == (None, None)


async def test_feed_month_ends_and_a_limited_key(app: Any, client: httpx.AsyncClient) -> None:
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    project = await _planned_and_worked(client, mine["id"])
    other = await _planned_and_worked(client, theirs["id"])
    params = {"kpi": KPI, "from": "2026-09-01", "to": "2026-11-30"}
    rows = (await client.get("/api/v1/kpi-values", params=params)).json()["data"]
    by_project = {
        (r["project_code"], r["measured_on"]): (r["value"], r["status"], r["computed"])
        for r in rows
    }
    # 30 Sep: nothing planned; 31 Oct and 30 Nov: 58 / 46 h.
    for code in (project["code"], other["code"]):
        assert by_project[(code, "2026-09-30")] == (None, None, True)
        assert by_project[(code, "2026-10-31")] == (126.087, "red", True)
        assert by_project[(code, "2026-11-30")] == (126.087, "red", True)
    # A per-resource KPI has no row in the per-project feed.
    everything = (await client.get("/api/v1/kpi-values", params={"to": "2026-10-31"})).json()
    assert "utilisation" not in {r["kpi_code"] for r in everything["data"]}

    key = await make_key(app, Role.viewer, [uuid.UUID(mine["id"])])
    async with http_client(app, key) as limited:
        seen = (await limited.get("/api/v1/kpi-values", params=params)).json()["data"]
        assert {r["project_code"] for r in seen} == {project["code"]}
        assert len(seen) == 3
        hidden = await limited.get(f"/api/v1/projects/{other['code']}/kpis")
        assert hidden.status_code == 404


async def test_an_allocation_write_marks_the_project_changed(client: httpx.AsyncClient) -> None:
    # An incremental pull sees a change of plan, though allocations are not finance data.
    project = await _planned_and_worked(client, (await make_portfolio(client))["id"])
    params = {"kpi": KPI, "from": "2026-10-01", "to": "2026-10-31"}
    first = (await client.get("/api/v1/kpi-values", params=params)).json()["data"]
    since = max(r["updated_at"] for r in first)
    quiet = await client.get("/api/v1/kpi-values", params={**params, "updated_since": since})
    before = [r for r in quiet.json()["data"] if r["updated_at"] > since]
    assert before == []
    person = await post_created(client, "/api/v1/resources", {"name": "Fay"})
    body = {"resource_id": person["id"], "start_date": "2026-10-26", "end_date": "2026-10-30"}
    await post_created(
        client,
        f"/api/v1/projects/{project['code']}/allocations",
        body | {"mode": "hours_per_day", "amount": 2.8},
    )
    pulled = await client.get("/api/v1/kpi-values", params={**params, "updated_since": since})
    changed = [r for r in pulled.json()["data"] if r["updated_at"] > since]
    # 58 / (46 + 5 x 2.8 = 60) = 96.6667 %
    assert [(r["measured_on"], r["value"]) for r in changed] == [("2026-10-31", 96.6667)]
