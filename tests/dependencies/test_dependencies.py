"""Dependencies between milestones (issue 16): loops refused, slips propagated along chains at
the exact boundary day of each type, opaque links for what a scoped key cannot see, health."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project, post_created


async def _milestone(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"name": f"m-{uuid.uuid4().hex[:6]}", **fields}
    return await post_created(client, f"/api/v1/projects/{code}/milestones", body)


async def _link(client: httpx.AsyncClient, a: str, b: str, **fields: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/dependencies", json={"predecessor_id": a, "successor_id": b, **fields}
    )


async def _patch(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    current = await client.get(path)
    response = await client.patch(path, json=body, headers={"If-Match": current.headers["ETag"]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _at_risk(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/dependencies", params={"at_risk": "true"})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def _health(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get(f"/api/v1/projects/{code}/health")).json()
    return next(r for r in body["rules"] if r["rule"] == "milestones")


async def _three_projects(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    portfolio = await make_portfolio(client)
    return [await make_project(client, portfolio["id"], status="active") for _ in range(3)]


class TestLoops:
    async def test_a_loop_across_three_projects_is_refused_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        p1, p2, p3 = await _three_projects(client)
        x = await _milestone(client, p1["code"], due_date="2027-01-10")
        y = await _milestone(client, p2["code"], due_date="2027-02-10")
        z = await _milestone(client, p3["code"], due_date="2027-03-10")
        assert (await _link(client, x["id"], y["id"])).status_code == 201
        assert (await _link(client, y["id"], z["id"])).status_code == 201
        refused = await _link(client, z["id"], x["id"])
        body = assert_problem(refused, 409)
        # The loop in order: the new dependency's ends first, back to where it started.
        assert body["errors"][0]["loop"] == [z["id"], x["id"], y["id"], z["id"]]
        assert f"{z['id']} → {x['id']} → {y['id']} → {z['id']}" in body["detail"]
        listed = (await client.get("/api/v1/dependencies")).json()["data"]
        assert len(listed) == 2  # nothing written

    async def test_itself_twice_and_bad_input(self, client: httpx.AsyncClient) -> None:
        p1, p2, _ = await _three_projects(client)
        a = await _milestone(client, p1["code"], due_date="2027-01-10")
        b = await _milestone(client, p2["code"], due_date="2027-02-10")
        assert_problem(await _link(client, a["id"], a["id"]), 422, loc=["body", "successor_id"])
        assert_problem(
            await _link(client, a["id"], b["id"], type="start_to_finish"), 422, loc=["body", "type"]
        )
        assert_problem(
            await _link(client, a["id"], b["id"], lag_days=4000), 422, loc=["body", "lag_days"]
        )
        assert_problem(
            await _link(client, a["id"], str(uuid.uuid4())), 422, loc=["body", "successor_id"]
        )
        assert (await _link(client, a["id"], b["id"], note="Needs the API keys")).status_code == 201
        assert_problem(await _link(client, a["id"], b["id"]), 409)
        for q, found in (("api keys", 1), (a["name"], 0)):  # the note, never the ends' names
            listed = await client.get("/api/v1/dependencies", params={"q": q})
            assert len(listed.json()["data"]) == found, q


class TestSlipPropagation:
    async def test_a_chain_of_three_at_each_boundary_day(self, client: httpx.AsyncClient) -> None:
        p1, p2, p3 = await _three_projects(client)
        # A slipped from 1 to 10 March; B is due 15 March, C 20 March.
        a = await _milestone(client, p1["code"], due_date="2027-03-01", forecast_date="2027-03-10")
        b = await _milestone(client, p2["code"], due_date="2027-03-15")
        c = await _milestone(client, p3["code"], due_date="2027-03-20")
        ab = (await _link(client, a["id"], b["id"], lag_days=4)).json()
        bc = (await _link(client, b["id"], c["id"], type="start_to_start", lag_days=4)).json()
        # A→B finish-to-start, lag 4: B may happen from 10 + 4 + 1 = 15 March, its own date:
        # the boundary day, not at risk. B→C start-to-start, lag 4: 15 + 4 = 19 ≤ 20 March.
        assert await _at_risk(client) == []
        assert (await _health(client, p2["code"]))["status"] == "green"

        # A slips one more day (11 March): B is pushed to 11 + 4 + 1 = 16 March, one day late.
        # C: 16 + 4 = 20 March, its own date: the boundary, not at risk.
        await _patch(client, f"/api/v1/milestones/{a['id']}", {"forecast_date": "2027-03-11"})
        found = await _at_risk(client)
        assert [d["id"] for d in found] == [ab["id"]]
        assert found[0]["pushed_to"] == "2027-03-16" and found[0]["slip_days"] == 1
        assert [link["id"] for link in found[0]["chain"]] == [a["id"], b["id"]]
        assert (await _health(client, p2["code"]))["status"] == "amber"
        assert (await _health(client, p2["code"]))["value"] == "dependency_at_risk"
        assert (await _health(client, p3["code"]))["status"] == "green"

        # B→C finish-to-start, lag 4: C may happen from 16 + 4 + 1 = 21 March: one day late,
        # through the chain A → B → C (a slip carried through B, in a third project).
        path = f"/api/v1/dependencies/{bc['id']}"
        await _patch(client, path, {"type": "finish_to_start"})
        found = {d["id"]: d for d in await _at_risk(client)}
        assert set(found) == {ab["id"], bc["id"]}
        assert found[bc["id"]]["pushed_to"] == "2027-03-21"
        assert [link["id"] for link in found[bc["id"]]["chain"]] == [a["id"], b["id"], c["id"]]
        assert (await _health(client, p3["code"]))["status"] == "amber"

        # Finish-to-finish, lag 4: 16 + 4 = 20 March, the boundary again; lag 5: 21, late.
        await _patch(client, path, {"type": "finish_to_finish"})
        assert [d["id"] for d in await _at_risk(client)] == [ab["id"]]
        assert (await _health(client, p3["code"]))["status"] == "green"
        await _patch(client, path, {"lag_days": 5})
        assert {d["id"] for d in await _at_risk(client)} == {ab["id"], bc["id"]}

        # A completed on 10 March (its actual finish counts): B from 15 March, C from
        # 15 + 5 = 20 March: both on their boundary days, nothing at risk.
        await _patch(client, f"/api/v1/milestones/{a['id']}", {"completed_on": "2027-03-10"})
        assert await _at_risk(client) == []
        assert (await _health(client, p3["code"]))["status"] == "green"

    async def test_a_negative_lag_is_a_lead(self, client: httpx.AsyncClient) -> None:
        p1, p2, _ = await _three_projects(client)
        a = await _milestone(client, p1["code"], due_date="2027-03-10")
        b = await _milestone(client, p2["code"], due_date="2027-03-08")
        # Start-to-start with a lead of 2 days: 10 - 2 = 8 March, B's own date.
        dep = (await _link(client, a["id"], b["id"], type="start_to_start", lag_days=-2)).json()
        assert dep["at_risk"] is False
        await _patch(client, f"/api/v1/dependencies/{dep['id']}", {"lag_days": -1})
        assert (await client.get(f"/api/v1/dependencies/{dep['id']}")).json()["at_risk"] is True


class TestOpaqueLinks:
    async def test_a_scoped_key_sees_a_hidden_predecessor_only_as_a_link(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        hidden_portfolio = await make_portfolio(client)
        seen_portfolio = await make_portfolio(client)
        secret = await make_project(client, hidden_portfolio["id"], name="Secret project")
        mine = await make_project(client, seen_portfolio["id"])
        a = await _milestone(
            client,
            secret["code"],
            name="Secret launch",
            due_date="2027-03-01",
            forecast_date="2027-03-30",
        )
        b = await _milestone(client, mine["code"], due_date="2027-03-15")
        dep = (await _link(client, a["id"], b["id"])).json()
        key = await harness.make_key(app, Role.editor, [uuid.UUID(seen_portfolio["id"])])
        async with harness.http_client(app, key) as scoped:
            for path, params in (
                (f"/api/v1/milestones/{b['id']}/dependencies", {}),
                ("/api/v1/dependencies", {"at_risk": "true"}),
                ("/api/v1/dependencies", {"format": "csv"}),
                (f"/api/v1/dependencies/{dep['id']}", {}),
            ):
                response = await scoped.get(path, params=params)
                assert response.status_code == 200, response.text
                for leak in (
                    a["id"],
                    "Secret",
                    secret["code"],
                    secret["id"],
                    hidden_portfolio["id"],
                ):
                    assert leak not in response.text, (path, leak)
                    assert leak.replace("-", "") not in response.text, (path, leak)
            shown = (await scoped.get(f"/api/v1/dependencies/{dep['id']}")).json()
            assert shown["predecessor"] == {"hidden": True}
            assert shown["successor"]["id"] == b["id"]
            assert shown["at_risk"] is True
            assert shown["chain"] == [{"hidden": True}, {"hidden": False, "id": b["id"]}]
            # It may see the link, not change it; nor link to what it cannot see.
            etag = (await scoped.get(f"/api/v1/dependencies/{dep['id']}")).headers["ETag"]
            refused = await scoped.delete(
                f"/api/v1/dependencies/{dep['id']}", headers={"If-Match": etag}
            )
            assert_problem(refused, 403)
            assert_problem(await _link(scoped, b["id"], a["id"]), 422, loc=["body", "successor_id"])
            assert (
                await scoped.get(f"/api/v1/milestones/{a['id']}/dependencies")
            ).status_code == 404
        # The owner of both sees both.
        full = (await client.get(f"/api/v1/dependencies/{dep['id']}")).json()
        assert full["predecessor"]["name"] == "Secret launch"
