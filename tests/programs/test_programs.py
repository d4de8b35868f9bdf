"""Programmes over REST: writes and their rules, the lists and their filters, and the
`program_id` of projects (set, checked, cleared by a move)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import assert_problem, make_portfolio, make_project, post_created


async def make_program(
    client: httpx.AsyncClient, portfolio_id: str, **fields: Any
) -> dict[str, Any]:
    body = {"name": f"Programme {fields.pop('n', 1)}", **fields}
    return await post_created(client, f"/api/v1/portfolios/{portfolio_id}/programs", body)


async def audit_count(client: httpx.AsyncClient) -> int:
    response = await client.get("/api/v1/audit-events", params={"object_type": "program"})
    assert response.status_code == 200, response.text
    return len(response.json()["data"])


class TestWrites:
    async def test_create_read_update_delete(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client, currency="EUR")
        objective = await post_created(
            client, f"/api/v1/portfolios/{portfolio['id']}/objectives", {"name": "Grow"}
        )
        program = await make_program(
            client,
            portfolio["id"],
            objectives=[objective["id"]],
            sponsor="Ada",
            manager="Bo",
            status="active",
        )
        assert program["portfolio_id"] == portfolio["id"]
        assert program["objectives"] == [objective["id"]]
        assert program["currency"] == "EUR"
        assert program["status"] == "active"
        assert program["version"] == 1
        got = await client.get(f"/api/v1/programs/{program['id']}")
        assert got.status_code == 200 and got.json() == program
        etag = got.headers["etag"]
        patched = await client.patch(
            f"/api/v1/programs/{program['id']}",
            json={"status": "on_hold", "objectives": []},
            headers={"If-Match": etag},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["status"] == "on_hold" and patched.json()["objectives"] == []
        assert patched.json()["version"] == 2
        stale = await client.patch(
            f"/api/v1/programs/{program['id']}", json={"name": "X"}, headers={"If-Match": etag}
        )
        assert_problem(stale, 412)
        project = await make_project(client, portfolio["id"], program_id=program["id"])
        refused = await client.delete(f"/api/v1/programs/{program['id']}")
        assert_problem(refused, 409)
        detached = await client.patch(
            f"/api/v1/projects/{project['code']}", json={"program_id": None}
        )
        assert detached.status_code == 200 and detached.json()["program_id"] is None
        deleted = await client.delete(f"/api/v1/programs/{program['id']}")
        assert deleted.status_code == 204, deleted.text
        assert_problem(await client.get(f"/api/v1/programs/{program['id']}"), 404)
        assert await audit_count(client) == 3  # create, update, delete

    async def test_bad_input_is_422_naming_the_field_and_writes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        other = await make_portfolio(client)
        foreign = await post_created(
            client, f"/api/v1/portfolios/{other['id']}/objectives", {"name": "Theirs"}
        )
        path = f"/api/v1/portfolios/{portfolio['id']}/programs"
        cases: list[tuple[dict[str, Any], list[Any]]] = [
            ({"name": "A", "objectives": [foreign["id"]]}, ["body", "objectives"]),
            ({"name": "A", "status": "done"}, ["body", "status"]),
            ({"name": ""}, ["body", "name"]),
            ({"description": "no name"}, ["body", "name"]),
        ]
        for body, loc in cases:
            assert_problem(await client.post(path, json=body), 422, loc=loc)
        assert (await client.get(path)).json()["data"] == []
        assert await audit_count(client) == 0
        theirs = await make_program(client, other["id"])
        refused = await client.post(
            "/api/v1/projects",
            json={
                "code": "PX-1",
                "portfolio_id": portfolio["id"],
                "name": "P",
                "program_id": theirs["id"],
            },
        )
        assert_problem(refused, 422, loc=["body", "program_id"])
        assert (await client.get("/api/v1/projects", params={"code": "PX-1"})).json()["data"] == []
        duplicate = await client.post(
            f"/api/v1/portfolios/{other['id']}/programs", json={"name": theirs["name"]}
        )
        assert_problem(duplicate, 409)


class TestProjects:
    async def test_program_id_is_checked_and_a_move_clears_it(
        self, client: httpx.AsyncClient
    ) -> None:
        a, b = await make_portfolio(client), await make_portfolio(client)
        pa, pb = await make_program(client, a["id"]), await make_program(client, b["id"])
        project = await make_project(client, a["id"], program_id=pa["id"])
        assert project["program_id"] == pa["id"]
        path = f"/api/v1/projects/{project['code']}"
        wrong = await client.patch(path, json={"program_id": pb["id"]})
        assert_problem(wrong, 422, loc=["body", "program_id"])
        # Moving with the old portfolio's programme named: refused, nothing written.
        stay = await client.patch(path, json={"portfolio_id": b["id"], "program_id": pa["id"]})
        assert_problem(stay, 422, loc=["body", "program_id"])
        assert (await client.get(path)).json()["portfolio_id"] == a["id"]
        moved = await client.patch(path, json={"portfolio_id": b["id"]})
        assert moved.status_code == 200, moved.text
        assert moved.json()["program_id"] is None
        both = await client.patch(path, json={"portfolio_id": a["id"], "program_id": pa["id"]})
        assert both.status_code == 200 and both.json()["program_id"] == pa["id"]


class TestLists:
    async def test_lists_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        a, b = await make_portfolio(client), await make_portfolio(client)
        one = await make_program(client, a["id"], n=1, status="active", manager="Kim")
        two = await make_program(client, a["id"], n=2, description="the road works")
        three = await make_program(client, b["id"], n=3)

        async def ids(path: str, **params: Any) -> list[str]:
            response = await client.get(path, params=params)
            assert response.status_code == 200, response.text
            return [p["id"] for p in response.json()["data"]]

        assert await ids("/api/v1/programs") == [one["id"], two["id"], three["id"]]
        assert await ids("/api/v1/programs", portfolio_id=b["id"]) == [three["id"]]
        assert await ids("/api/v1/programs", status="active") == [one["id"]]
        assert await ids("/api/v1/programs", manager="Kim") == [one["id"]]
        assert await ids("/api/v1/programs", q="ROAD") == [two["id"]]
        assert await ids("/api/v1/programs", sort="-name") == [three["id"], two["id"], one["id"]]
        assert await ids(f"/api/v1/portfolios/{a['id']}/programs") == [one["id"], two["id"]]
        csv = await client.get(
            "/api/v1/programs", params={"format": "csv", "portfolio_id": a["id"]}
        )
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.strip().splitlines()
        assert lines[0].startswith("id,portfolio_id,name") and len(lines) == 3
        assert_problem(await client.get("/api/v1/programs", params={"status": "x"}), 422)
        gone = "00000000-0000-0000-0000-000000000000"
        assert_problem(await client.get(f"/api/v1/portfolios/{gone}/programs"), 404)

    async def test_project_list_program_filter(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        one, two = (
            await make_program(client, portfolio["id"], n=1),
            await make_program(client, portfolio["id"], n=2),
        )
        p1 = await make_project(client, portfolio["id"], program_id=one["id"])
        p2 = await make_project(client, portfolio["id"], program_id=two["id"])
        await make_project(client, portfolio["id"])
        response = await client.get("/api/v1/projects", params={"program_id": one["id"]})
        assert [p["code"] for p in response.json()["data"]] == [p1["code"]]
        response = await client.get(
            "/api/v1/projects", params=[("program_id", one["id"]), ("program_id", two["id"])]
        )
        assert [p["code"] for p in response.json()["data"]] == [p1["code"], p2["code"]]
