"""The planning views over GraphQL (`capacity`, `overAllocations`) answer what REST answers,
refuse what REST refuses, and the time entry mutations record, re-price and remove as REST
does (an externalRef sent twice updates)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import make_portfolio, make_project, post_created
from tests.gql import gql, outcome

CAMEL = {
    "roleId": "role_id",
    "resourceId": "resource_id",
    "resourceName": "resource_name",
    "periodStart": "period_start",
    "periodEnd": "period_end",
    "overByHours": "over_by_hours",
    "hiddenAllocations": "hidden_allocations",
    "projectId": "project_id",
    "projectCode": "project_code",
    "startDate": "start_date",
    "endDate": "end_date",
}


def as_rest(value: Any) -> Any:
    """A GraphQL answer named (and its enums spelled) as REST's."""
    if isinstance(value, dict):
        return {CAMEL.get(k, k): as_rest(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_rest(v) for v in value]
    if isinstance(value, str) and value.isupper() and value.replace("_", "").isalpha():
        return value.lower()
    return value


async def overbooked(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A role, a person of it booked 10 h a day on 8 h (Mon 5 to Wed 7 October 2026) on a
    project of one portfolio and 2 h more on a project of another, and role-only demand."""
    role = await post_created(client, "/api/v1/roles", {"name": f"gql-{uuid.uuid4().hex[:8]}"})
    person = await post_created(
        client, "/api/v1/resources", {"name": f"Over {uuid.uuid4().hex[:6]}", "role_id": role["id"]}
    )
    mine, theirs = await make_portfolio(client), await make_portfolio(client)
    for portfolio, hours in ((mine, 10), (theirs, 2)):
        project = await make_project(client, portfolio["id"])
        body = {
            "resource_id": person["id"],
            "start_date": "2026-10-05",
            "end_date": "2026-10-07",
            "mode": "hours_per_day",
            "amount": hours,
        }
        await post_created(client, f"/api/v1/projects/{project['code']}/allocations", body)
    demand = {
        "role_id": role["id"],
        "start_date": "2026-10-05",
        "end_date": "2026-10-09",
        "mode": "total_hours",
        "amount": 20,
    }
    await post_created(client, f"/api/v1/projects/{project['code']}/allocations", demand)
    return role, person, mine["id"]


CAPACITY = """query($from: Date!, $to: Date!, $by: CapacityGroup!) {
  capacity(from: $from, to: $to, grain: WEEK, groupBy: $by) {
    roleId resourceId name periodStart periodEnd capacity gap demand { named unfilled total } } }"""

OVER = """query($from: Date!, $to: Date!, $threshold: Float!) {
  overAllocations(from: $from, to: $to, threshold: $threshold) {
    resourceId resourceName periodStart periodEnd capacity allocated overByHours utilisation
    hiddenAllocations allocations { id projectId projectCode status mode amount startDate endDate }
  } }"""


async def test_capacity_and_over_allocations_answer_as_rest(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    role, person, mine = await overbooked(client)
    window = {"from": "2026-10-01", "to": "2026-10-31"}
    for by in ("role", "resource"):
        rest = await client.get("/api/v1/capacity", params={**window, "group_by": by})
        assert rest.status_code == 200, rest.text
        result = await gql(client, CAPACITY, **window, by=by.upper())
        assert "errors" not in result, result
        rows = [{k: v for k, v in r.items() if v is not None} for r in result["data"]["capacity"]]
        expected = [{k: v for k, v in r.items() if v is not None} for r in rest.json()["data"]]
        assert as_rest(rows) == expected
    # The role's week of the 5th: 40 h of capacity; demand 3 x 12 = 36 h named and the 20 h
    # role-only, 56 h; gap 40 - 56 = -16 h.
    (week,) = [
        r
        for r in (await gql(client, CAPACITY, **window, by="ROLE"))["data"]["capacity"]
        if r["roleId"] == role["id"] and r["periodStart"] == "2026-10-05"
    ]
    assert (week["capacity"], week["demand"], week["gap"]) == (
        40,
        {"named": 36, "unfilled": 20, "total": 56},
        -16,
    )

    key = await harness.make_key(app, Role.viewer, [uuid.UUID(mine)])
    async with harness.http_client(app, key) as limited:
        for reader in (client, limited):
            rest = await reader.get("/api/v1/over-allocations", params=window)
            result = await gql(reader, OVER, **window, threshold=1.0)
            assert "errors" not in result, result
            assert as_rest(result["data"]["overAllocations"]) == rest.json()["data"]
        # Three days of 12 h on 8 h are one range, over by 3 x 4 = 12 h; the limited caller
        # sees its allocation named and the other one counted.
        mine_only = (await gql(limited, OVER, **window, threshold=1.0))["data"]
    (found,) = [r for r in mine_only["overAllocations"] if r["resourceId"] == person["id"]]
    assert (found["periodStart"], found["periodEnd"], found["overByHours"]) == (
        "2026-10-05",
        "2026-10-07",
        12,
    )
    assert (len(found["allocations"]), found["hiddenAllocations"]) == (1, 1)


async def test_planning_views_refuse_bad_arguments_naming_them(client: httpx.AsyncClient) -> None:
    def refusal(result: dict[str, Any]) -> str:
        assert result["data"] is None, result
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        message: str = error["message"]
        return message

    backwards = await gql(client, CAPACITY, **{"from": "2026-10-31", "to": "2026-10-01"}, by="ROLE")
    assert "`to` (2026-10-01) is before `from`" in refusal(backwards)
    zero = await gql(client, OVER, **{"from": "2026-10-01", "to": "2026-10-31"}, threshold=0)
    assert "threshold" in refusal(zero)
    too_long = await gql(client, OVER, **{"from": "2026-01-01", "to": "2030-01-01"}, threshold=1)
    assert "1100 days" in refusal(too_long).replace(",", "")


async def test_time_entry_mutations_record_reprice_and_remove(client: httpx.AsyncClient) -> None:
    project = await make_project(client)
    person = await post_created(client, "/api/v1/resources", {"name": "Timesheet"})
    rate = {"effective_from": "2026-01-01", "rate": "80.00", "currency": "USD"}
    await post_created(client, f"/api/v1/resources/{person['id']}/rates", rate)
    fields = "id hours rate cost workDate externalRef version"
    record = f"""mutation($p: String!, $r: ID!, $h: Float!) {{ recordTimeEntry(project: $p,
        input: {{ resourceId: $r, workDate: "2026-03-02", hours: $h, externalRef: "TS-1" }}) {{
        __typename ... on RecordedTimeEntry {{ created timeEntry {{ {fields} }} }}
        ... on UserError {{ message code }} ... on ValidationFailed {{ errors {{ loc type }} }}
        }} }}"""
    made = (await gql(client, record, p=project["code"], r=person["id"], h=7.5))["data"]
    first = made["recordTimeEntry"]
    assert first["created"] is True
    entry = first["timeEntry"]
    # 7.5 h x 80.00 = 600.00
    assert (entry["hours"], entry["rate"], entry["cost"]) == (7.5, 80, 600)
    rest = (await client.get(f"/api/v1/time-entries/{entry['id']}")).json()
    assert (rest["cost"], rest["external_ref"]) == (600, "TS-1")
    # The same externalRef again updates that entry: 8 h x 80.00 = 640.00.
    again = (await gql(client, record, p=project["code"], r=person["id"], h=8))["data"]
    assert again["recordTimeEntry"]["created"] is False
    assert again["recordTimeEntry"]["timeEntry"]["id"] == entry["id"]
    assert again["recordTimeEntry"]["timeEntry"]["cost"] == 640

    update = f"""mutation($id: ID!) {{ updateTimeEntry(id: $id, patch: {{ hours: 4 }},
        expectedVersion: 2) {{ {outcome("TimeEntry", fields)} }} }}"""
    changed = (await gql(client, update, id=entry["id"]))["data"]["updateTimeEntry"]
    # 4 h x 80.00 = 320.00
    assert (changed["hours"], changed["cost"], changed["version"]) == (4, 320, 3)
    stale = (await gql(client, update, id=entry["id"]))["data"]["updateTimeEntry"]
    assert stale["__typename"] == "PreconditionFailedError"
    too_many = (await gql(client, record, p=project["code"], r=person["id"], h=25))["data"]
    assert too_many["recordTimeEntry"]["__typename"] == "ValidationFailed"
    assert too_many["recordTimeEntry"]["errors"][0]["loc"] == ["input", "hours"]

    delete = "mutation($id: ID!) { deleteTimeEntry(id: $id) { __typename } }"
    gone = (await gql(client, delete, id=entry["id"]))["data"]["deleteTimeEntry"]
    assert gone["__typename"] == "Deleted"
    assert (await client.get(f"/api/v1/time-entries/{entry['id']}")).status_code == 404
