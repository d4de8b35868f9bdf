"""Time entries (actual hours), worked by hand: an entry's cost is hours x the resource's rate
in force that day, and it reaches a project's actual cost (AC) exactly as a cost entry of the
same amount does; a rate change mid-month re-prices the entries after it; an import by
`external_ref` updates; a rate in another currency than the project's is refused.

March 2026 starts on a Sunday."""

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
    evm_of,
    install_response_guard,
    make_portfolio,
    make_project,
    post_created,
)
from tests.gql import gql

PLAN = {"budget": 100_000, "start_date": "2026-01-01", "finish_date": "2026-12-31"}


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def person_at(client: httpx.AsyncClient, *rates: tuple[str, float]) -> dict[str, Any]:
    """A person with these (effective_from, rate per hour) cost rates, in USD."""
    person = await post_created(client, "/api/v1/resources", {"name": f"P {uuid.uuid4()}"})
    for effective_from, rate in rates:
        body = {"effective_from": effective_from, "rate": rate, "currency": "USD"}
        await post_created(client, f"/api/v1/resources/{person['id']}/rates", body)
    return person


async def log(client: httpx.AsyncClient, project: str, **body: Any) -> dict[str, Any]:
    return await post_created(client, f"/api/v1/projects/{project}/time-entries", body)


def without_project(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("project_id", "code", "name")}


async def test_a_time_entry_changes_ac_exactly_as_a_cost_entry_of_the_same_amount(
    client: httpx.AsyncClient,
) -> None:
    portfolio = await make_portfolio(client)
    labour = await make_project(client, portfolio["id"], **PLAN)
    invoiced = await make_project(client, portfolio["id"], **PLAN)
    person = await person_at(client, ("2026-01-01", 120))
    # 7.5 h x 120.00 = 900.00, on 10 March; the other project books a cost of 900.00 that day.
    entry = await log(
        client, labour["code"], resource_id=person["id"], work_date="2026-03-10", hours=7.5
    )
    assert (entry["rate"], entry["cost"], entry["currency"]) == (120, 900, "USD")
    cost = {"incurred_on": "2026-03-10", "amount": 900, "category": "labour"}
    await post_created(client, f"/api/v1/projects/{invoiced['code']}/costs", cost)
    # Before the day, on it, later in its month (the as-of arithmetic within a month) and after.
    for as_of, ac in (
        ("2026-03-09", 0),
        ("2026-03-10", 900),
        ("2026-03-20", 900),
        ("2026-06-30", 900),
    ):
        a, b = (
            await evm_of(client, labour["code"], as_of),
            await evm_of(client, invoiced["code"], as_of),
        )
        assert a["ac"] == ac
        assert without_project(a) == without_project(b)
    for group_by in ("month", "category"):
        params = {"as_of": "2026-03-31", "group_by": group_by}
        a, b = [
            (await client.get(f"/api/v1/projects/{p['code']}/cost-variance", params=params)).json()
            for p in (labour, invoiced)
        ]
        assert a["data"] == b["data"] and a["data"], (a, b)


async def test_a_rate_change_mid_month_in_the_actual_cost(client: httpx.AsyncClient) -> None:
    project = await make_project(client, **PLAN)
    person = await person_at(client, ("2026-01-01", 100))
    for day, hours in (("2026-03-10", 8), ("2026-03-20", 8), ("2026-03-25", 4)):
        await log(client, project["code"], resource_id=person["id"], work_date=day, hours=hours)
    # At 100.00 an hour: 20 h = 2,000.00.
    assert (await evm_of(client, project["code"], "2026-03-31"))["ac"] == 2000
    rates = f"/api/v1/resources/{person['id']}/rates"
    raise_ = await post_created(
        client, rates, {"effective_from": "2026-03-16", "rate": 150, "currency": "USD"}
    )
    # From the 16th, 150.00: 8 x 100 + 8 x 150 + 4 x 150 = 800 + 1,200 + 600 = 2,600.00; as of
    # the 15th only the first entry counts (800.00), as of the 20th 2,000.00.
    for as_of, ac in (("2026-03-15", 800), ("2026-03-20", 2000), ("2026-03-31", 2600)):
        assert (await evm_of(client, project["code"], as_of))["ac"] == ac, as_of
    listed = await client.get(f"/api/v1/projects/{project['code']}/time-entries")
    assert [(e["work_date"], e["rate"], e["cost"]) for e in listed.json()["data"]] == [
        ("2026-03-10", 100, 800),
        ("2026-03-20", 150, 1200),
        ("2026-03-25", 150, 600),
    ]
    # Rounded half up to the cent: 7.25 h x 133.33 = 966.6425 -> 966.64 (on the 26th).
    await client.patch(f"{rates}/{raise_['id']}", json={"rate": 133.33})
    odd = await log(
        client, project["code"], resource_id=person["id"], work_date="2026-03-26", hours=7.25
    )
    assert odd["cost"] == 966.64
    # 800 + 8 x 133.33 + 4 x 133.33 + 966.64 = 800 + 1,066.64 + 533.32 + 966.64 = 3,366.60.
    assert (await evm_of(client, project["code"], "2026-03-31"))["ac"] == 3366.6
    # The raise withdrawn: every entry at 100.00 again, 27.25 h = 2,725.00.
    deleted = await client.delete(f"{rates}/{raise_['id']}")
    assert deleted.status_code == 204, deleted.text
    assert (await evm_of(client, project["code"], "2026-03-31"))["ac"] == 2725


async def test_an_import_by_external_ref_updates_and_writes_reprice(
    client: httpx.AsyncClient,
) -> None:
    project = await make_project(client, **PLAN)
    person = await person_at(client, ("2026-01-01", 50))
    body = {
        "resource_id": person["id"],
        "work_date": "2026-02-02",
        "hours": 2,
        "external_ref": "T-1",
    }
    path = f"/api/v1/projects/{project['code']}/time-entries"
    first = await client.post(path, json=body)
    again = await client.post(path, json={**body, "hours": 3, "note": "fixed"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["cost"] == 150
    patched = await client.patch(f"/api/v1/time-entries/{first.json()['id']}", json={"hours": 4.5})
    assert patched.status_code == 200 and patched.json()["cost"] == 225, patched.text
    assert (await evm_of(client, project["code"], "2026-02-28"))["ac"] == 225
    clash = await log(
        client, project["code"], resource_id=person["id"], work_date="2026-02-03", hours=1
    )
    taken = await client.patch(f"/api/v1/time-entries/{clash['id']}", json={"external_ref": "T-1"})
    assert_problem(taken, 409)
    gone = await client.delete(f"/api/v1/time-entries/{first.json()['id']}")
    assert gone.status_code == 204
    assert (await evm_of(client, project["code"], "2026-02-28"))["ac"] == 50
    # A resource with time entries cannot go (make it inactive instead).
    assert_problem(await client.delete(f"/api/v1/resources/{person['id']}"), 409)
    # No rate in force: priced at 0.
    unpriced = await person_at(client)
    free = await log(
        client, project["code"], resource_id=unpriced["id"], work_date="2026-02-04", hours=1
    )
    assert (free["rate"], free["cost"]) == (None, 0)
    csv = await client.get(
        "/api/v1/time-entries", params={"format": "csv", "project": project["code"]}
    )
    assert csv.headers["content-type"].startswith("text/csv")
    header, *rows = csv.text.strip().splitlines()
    assert header.split(",")[:6] == [
        "id",
        "project_id",
        "project_code",
        "portfolio_id",
        "resource_id",
        "work_date",
    ]
    assert len(rows) == 2


async def test_a_rate_in_another_currency_is_refused(client: httpx.AsyncClient) -> None:
    euros = await make_portfolio(client, currency="EUR")
    project = await make_project(client, euros["id"], **PLAN)
    person = await person_at(client, ("2026-01-01", 100))
    path = f"/api/v1/projects/{project['code']}/time-entries"
    body = {"resource_id": person["id"], "work_date": "2026-03-02", "hours": 1}
    assert_problem(await client.post(path, json=body), 422, loc=["body", "resource_id"])
    # Before its USD rate: no rate, accepted at 0; a rate in USD from then on is refused.
    early = await log(client, project["code"], **{**body, "work_date": "2025-12-31"})
    assert early["cost"] == 0
    rate = {"effective_from": "2025-12-01", "rate": 90, "currency": "USD"}
    refused = await client.post(f"/api/v1/resources/{person['id']}/rates", json=rate)
    assert_problem(refused, 422, loc=["body", "currency"])
    # In the project's currency the rate is accepted and the entry priced: 1 h x 90.00.
    euro_rate = {**rate, "currency": "EUR"}
    await post_created(client, f"/api/v1/resources/{person['id']}/rates", euro_rate)
    (entry,) = (await client.get(f"/api/v1/projects/{project['code']}/time-entries")).json()["data"]
    assert (entry["rate"], entry["cost"], entry["currency"]) == (90, 90, "EUR")


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"hours": 0}, ["body", "hours"]),
        ({"hours": 24.5}, ["body", "hours"]),
        ({"hours": 1.255}, ["body", "hours"]),
        ({"work_date": "2026-02-30"}, ["body", "work_date"]),
        ({"resource_id": str(uuid.UUID(int=1))}, ["body", "resource_id"]),
        ({"external_ref": ""}, ["body", "external_ref"]),
    ],
)
async def test_a_malformed_entry_is_a_422_naming_the_field(
    client: httpx.AsyncClient, change: dict[str, Any], loc: list[Any]
) -> None:
    project = await make_project(client, **PLAN)
    person = await person_at(client)
    body = {"resource_id": person["id"], "work_date": "2026-02-02", "hours": 1, **change}
    response = await client.post(f"/api/v1/projects/{project['code']}/time-entries", json=body)
    assert_problem(response, 422, loc=loc)


async def test_a_limited_key_sees_the_entries_of_its_projects_only(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    own = await make_project(client, mine["id"], **PLAN)
    other = await make_project(client, theirs["id"], **PLAN)
    person = await person_at(client, ("2026-01-01", 10))
    kept = await log(client, own["code"], resource_id=person["id"], work_date="2026-02-02", hours=1)
    hidden = await log(
        client, other["code"], resource_id=person["id"], work_date="2026-02-02", hours=2
    )
    key = await harness.make_key(app, Role.editor, [uuid.UUID(mine["id"])])
    async with harness.http_client(app, key) as limited:
        listed = await limited.get("/api/v1/time-entries", params={"resource_id": person["id"]})
        assert [e["id"] for e in listed.json()["data"]] == [kept["id"]]
        assert (await limited.get(f"/api/v1/time-entries/{hidden['id']}")).status_code == 404
        body = {"resource_id": person["id"], "work_date": "2026-02-03", "hours": 1}
        denied = await limited.post(f"/api/v1/projects/{other['code']}/time-entries", json=body)
        assert denied.status_code == 404


async def test_project_time_entries_over_graphql_match_rest(client: httpx.AsyncClient) -> None:
    project = await make_project(client, **PLAN)
    person = await person_at(client, ("2026-01-01", 80))
    for day in ("2026-02-02", "2026-02-03", "2026-03-02"):
        await log(client, project["code"], resource_id=person["id"], work_date=day, hours=2.5)
    q = """query($code: String!) { project(code: $code) {
             timeEntries(filter: {from: "2026-02-01", to: "2026-02-28"}, first: 1) {
               nodes { id workDate hours rate cost currency resourceId externalRef }
               pageInfo { hasNextPage endCursor } } } }"""
    result = await gql(client, q, code=project["code"])
    assert "errors" not in result, result
    page = result["data"]["project"]["timeEntries"]
    rest = await client.get(
        f"/api/v1/projects/{project['code']}/time-entries",
        params={"from": "2026-02-01", "to": "2026-02-28", "limit": 1},
    )
    (first,) = rest.json()["data"]
    assert page["nodes"] == [
        {
            "id": first["id"],
            "workDate": "2026-02-02",
            "hours": 2.5,
            "rate": 80.0,
            "cost": 200.0,
            "currency": "USD",
            "resourceId": person["id"],
            "externalRef": None,
        }
    ]
    assert page["pageInfo"]["hasNextPage"] is True
