"""The demo's resource picture (pmo_api/demo_people.py) as a client reads it after `make run`:
every resource view has something to show, and the views agree with each other and with the
project's earned value (labour in `ac`, counted once)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

import tests.conftest as harness
from pmo_api.core.clock import today
from pmo_api.demo import seed_demo
from tests.factories import evm_of, install_response_guard, list_all

IN_FLIGHT = ("CRM-2026", "ERP-UPG", "DATA-LAKE", "WEB-NEXT", "WMS-ROLL", "FLEET-EV", "PROC-AUTO")


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _money(value: float) -> Decimal:
    return Decimal(str(value))


async def test_the_demo_has_a_resource_picture_the_views_agree_on(
    client: httpx.AsyncClient, database_url: str
) -> None:
    assert await seed_demo(harness.test_settings(database_url), only_if_empty=True)
    t = today()

    # The catalog: roles with default rates, skills with levels, every kind of resource.
    roles = await list_all(client, "/api/v1/roles")
    assert len(roles) == 6 and all(r["default_rate"] for r in roles)
    assert len(await list_all(client, "/api/v1/skills")) == 10
    resources = {r["name"]: r for r in await list_all(client, "/api/v1/resources")}
    assert len(resources) == 24
    assert Counter(r["kind"] for r in resources.values()) == {
        "person": 22,
        "placeholder": 1,
        "team": 1,
    }
    assert resources["Warehouse Integration Squad"]["availability_factor"] == 4
    assert resources["Grace O'Neill"]["availability_factor"] == 0.5
    assert resources["Chloé Martin"]["hours_fri"] == 0
    daniel = resources["Daniel Kim"]["id"]
    rates = await list_all(client, f"/api/v1/resources/{daniel}/rates")
    assert [r["rate"] for r in rates] == [100, 108]
    levels = await list_all(
        client, f"/api/v1/resources/{resources['Jonas Meyer']['id']}/skill-levels"
    )
    assert sorted(s["level"] for s in levels) == [3, 4, 5]
    holidays = {date.fromisoformat(h["day"]) for h in await list_all(client, "/api/v1/holidays")}
    assert len(holidays) == 2

    # Allocations in every mode and status, role-only demand among them.
    allocations = await list_all(client, "/api/v1/allocations")
    assert {a["mode"] for a in allocations} == {"hours_per_day", "percent", "total_hours"}
    assert {a["status"] for a in allocations} == {"tentative", "requested", "approved", "rejected"}
    assert any(a["resource_id"] is None for a in allocations)

    # Two people booked above their capacity over the coming weeks.
    window = {"from": t.isoformat(), "to": (t + timedelta(days=41)).isoformat()}
    over = await _get(client, "/api/v1/over-allocations", **window)
    assert {row["resource_name"] for row in over["data"]} == {"Jonas Meyer", "Grace O'Neill"}
    assert all(row["allocated"] > row["capacity"] for row in over["data"])

    # Capacity by role: demand named and unfilled, and the sums add up.
    capacity = await _get(client, "/api/v1/capacity", grain="month", **window)
    demand = [row["demand"] for row in capacity["data"]]
    assert sum(d["named"] for d in demand) > 0 and sum(d["unfilled"] for d in demand) > 0
    for row in capacity["data"]:
        d = row["demand"]
        assert d["total"] == pytest.approx(d["named"] + d["unfilled"], abs=0.02)
        assert row["gap"] == pytest.approx(row["capacity"] - d["total"], abs=0.02)

    # A certification expiring within the default 30 days.
    expiring = await _get(client, "/api/v1/certifications/expiring")
    assert [(c["resource_name"], c["name"]) for c in expiring["data"]] == [("Priya Raman", "PMP")]

    # Time entries: a few hundred, on working days up to today, and Daniel's at both rates.
    entries = await list_all(client, "/api/v1/time-entries")
    assert 200 <= len(entries) <= 2_000
    days = {date.fromisoformat(e["work_date"]) for e in entries}
    assert max(days) <= t and all(d.weekday() < 5 for d in days) and not days & holidays
    assert {e["project_code"] for e in entries} == set(IN_FLIGHT)
    assert {e["rate"] for e in entries if e["resource_id"] == daniel} == {100, 108}

    # Each project in flight: its resources show actual hours, their cost is the labour of its
    # burn and of its time entries, and its earned value's `ac` is its costs plus that labour.
    for code in IN_FLIGHT:
        view = await _get(client, f"/api/v1/projects/{code}/resources")
        assert any(p["actual_hours"] > 0 and p["planned_hours"] > 0 for p in view["people"]), code
        mine = [e for e in entries if e["project_code"] == code]
        labour = sum(_money(e["cost"]) for e in mine)
        assert labour > 0, code
        assert sum(_money(p["actual_cost"]) for p in view["people"]) == labour, code
        assert sum(_money(b["labour_cost"]) for b in view["burn"]) == labour, code
        hours = sum(_money(e["hours"]) for e in mine)
        assert sum(_money(p["actual_hours"]) for p in view["people"]) == hours, code
        costs = await list_all(client, "/api/v1/costs", {"project": code})
        invoiced = sum(_money(c["amount"]) for c in costs)
        assert _money((await evm_of(client, code, t.isoformat()))["ac"]) == invoiced + labour, code
