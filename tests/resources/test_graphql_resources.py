"""Resources over GraphQL: `resource`/`resources` with their allocations and availability,
`project.allocations`, the allocations feed and the allocation mutations answer as REST does,
and a page of resources reads its availability in a number of statements that does not grow
with the resources."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import make_project, post_created
from tests.gql import counted_statements, gql, outcome

AVAILABILITY = (
    "periodStart periodEnd capacity available utilisation "
    "allocated { tentative requested approved total }"
)


def as_rest(period: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL period named as REST names it."""
    names = {"periodStart": "period_start", "periodEnd": "period_end"}
    return {names.get(k, k): v for k, v in period.items()}


async def booked_world(client: httpx.AsyncClient, people: int = 1) -> tuple[str, list[str]]:
    """A project (its code) with `people` fresh resources booked on it (their ids)."""
    project = await make_project(client, start_date="2026-09-01", finish_date="2026-09-30")
    ids = []
    for n in range(people):
        person = await post_created(
            client, "/api/v1/resources", {"name": f"gql-{uuid.uuid4().hex[:8]}", "hours_fri": 4}
        )
        body = {
            "resource_id": person["id"],
            "start_date": "2026-09-07",
            "end_date": "2026-09-18",
            "mode": "percent",
            "amount": 50 + n,
            "status": "requested",
        }
        await post_created(client, f"/api/v1/projects/{project['code']}/allocations", body)
        ids.append(person["id"])
    return project["code"], ids


async def test_a_resource_its_allocations_and_availability_match_rest(
    client: httpx.AsyncClient,
) -> None:
    code, (rid,) = await booked_world(client)
    q = f"""query($id: ID!) {{ resource(id: $id) {{ id name kind hoursFri availabilityFactor
             allocations {{ nodes {{ id projectCode mode amount status resourceId }} }}
             availability(from: "2026-09-01", to: "2026-09-30", grain: WEEK) {{ {AVAILABILITY} }}
           }} }}"""
    result = await gql(client, q, id=rid)
    assert "errors" not in result, result
    got = result["data"]["resource"]
    assert (got["kind"], got["hoursFri"], got["availabilityFactor"]) == ("PERSON", 4, 1)
    (allocation,) = got["allocations"]["nodes"]
    assert (allocation["projectCode"], allocation["mode"], allocation["status"]) == (
        code,
        "PERCENT",
        "REQUESTED",
    )
    rest = await client.get(
        f"/api/v1/resources/{rid}/availability",
        params={"from": "2026-09-01", "to": "2026-09-30", "grain": "week"},
    )
    assert [as_rest(p) for p in got["availability"]] == [
        {**p, "period_start": p["period_start"], "period_end": p["period_end"]}
        for p in rest.json()["periods"]
    ]
    # The week of the 7th: 4 x 8 + 4 on Friday, half of it requested.
    second = got["availability"][1]
    assert (second["capacity"], second["allocated"]["requested"]) == (36, 18)

    project = await gql(
        client,
        "query($c: String) { project(code: $c) { allocations { nodes { id resourceId } } } }",
        c=code,
    )
    assert project["data"]["project"]["allocations"]["nodes"] == [
        {"id": allocation["id"], "resourceId": rid}
    ]
    missing = await gql(client, 'query { resource(id: "nope") { id } }')
    assert missing["data"]["resource"] is None


async def test_availability_of_many_resources_is_batched(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    _code, ids = await booked_world(client, people=2)
    q = """query($ids: [ID!]) {
             resources(filter: {roleId: $ids}, first: 100) { nodes { id } }
             a: resources(first: 100) { nodes { id
               availability(from: "2026-09-01", to: "2026-09-30", grain: MONTH) { capacity }
               allocations { nodes { id } } } } }"""
    with counted_statements(app) as statements:
        result = await gql(client, q, ids=[str(uuid.uuid4())])
    assert "errors" not in result, result
    assert result["data"]["resources"]["nodes"] == []
    nodes = {n["id"]: n for n in result["data"]["a"]["nodes"]}
    assert set(ids) <= set(nodes)
    assert nodes[ids[0]]["availability"] == [{"capacity": 160}]  # 18 days x 8 h + 4 Fridays x 4 h
    # Two lists, one availability (its span and its periods) and one allocations batch,
    # whatever the number of resources.
    assert len(statements) <= 6, statements


async def test_allocation_mutations_answer_as_rest(client: httpx.AsyncClient) -> None:
    code, (rid,) = await booked_world(client)
    fields = "id mode amount status warnings version"
    create = f"""mutation($p: String!, $r: ID) {{ createAllocation(project: $p, input: {{
                  resourceId: $r, startDate: "2026-09-07", endDate: "2026-10-02",
                  mode: HOURS_PER_DAY, amount: 8 }}) {{ {outcome("Allocation", fields)} }} }}"""
    made = (await gql(client, create, p=code, r=rid))["data"]["createAllocation"]
    assert (made["__typename"], made["status"], made["version"]) == ("Allocation", "TENTATIVE", 1)
    assert len(made["warnings"]) == 2  # past the project's finish, and above capacity
    rest = (await client.get(f"/api/v1/allocations/{made['id']}")).json()
    assert (rest["mode"], rest["amount"]) == ("hours_per_day", 8)

    update = f"""mutation($id: ID!) {{ updateAllocation(id: $id, patch: {{status: REJECTED}},
                  expectedVersion: 1) {{ {outcome("Allocation", fields)} }} }}"""
    changed = (await gql(client, update, id=made["id"]))["data"]["updateAllocation"]
    assert (changed["status"], changed["version"]) == ("REJECTED", 2)
    assert len(changed["warnings"]) == 1  # a rejected one books nothing: only the dates
    stale = (await gql(client, update, id=made["id"]))["data"]["updateAllocation"]
    assert stale["__typename"] == "PreconditionFailedError"

    neither = f"""mutation($p: String!) {{ createAllocation(project: $p, input: {{
                  startDate: "2026-09-07", endDate: "2026-09-08", mode: TOTAL_HOURS,
                  amount: 8 }}) {{ {outcome("Allocation", fields)} }} }}"""
    refused = (await gql(client, neither, p=code))["data"]["createAllocation"]
    assert refused["__typename"] == "ValidationFailed"
    assert {"loc": ["input", "resourceId"], "type": "missing"} in refused["errors"]

    delete = "mutation($id: ID!) { deleteAllocation(id: $id) { __typename } }"
    gone = (await gql(client, delete, id=made["id"]))["data"]["deleteAllocation"]
    assert gone["__typename"] == "Deleted"
    assert (await client.get(f"/api/v1/allocations/{made['id']}")).status_code == 404
