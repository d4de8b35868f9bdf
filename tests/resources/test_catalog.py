"""Roles, skills, resources (their skill levels, cost rates and time off) and holidays over
REST: the usual mechanics (versions, If-Match, Idempotency-Key, audit, CSV), their rules, and
who may write them."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, install_response_guard, make_portfolio, post_created

_seq = itertools.count(1)


def unique(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:8]}-{next(_seq)}"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


async def make_resource(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    return await post_created(client, "/api/v1/resources", {"name": unique("person"), **fields})


class TestRoles:
    async def test_a_role_keeps_its_rate_in_units_and_its_name_unique(
        self, client: httpx.AsyncClient
    ) -> None:
        name = unique("developer")
        body = {"name": name, "default_rate": 95.5, "currency": "EUR"}
        role = await post_created(client, "/api/v1/roles", body)
        assert (role["default_rate"], role["currency"], role["version"]) == (95.5, "EUR", 1)

        assert_problem(await client.post("/api/v1/roles", json={"name": name}), 409)
        listed = await client.get("/api/v1/roles", params={"q": name})
        assert [r["id"] for r in listed.json()["data"]] == [role["id"]]

    async def test_a_role_in_use_cannot_be_deleted(self, client: httpx.AsyncClient) -> None:
        role = await post_created(client, "/api/v1/roles", {"name": unique("analyst")})
        person = await make_resource(client, role_id=role["id"])
        assert_problem(await client.delete(f"/api/v1/roles/{role['id']}"), 409)
        assert (await client.delete(f"/api/v1/resources/{person['id']}")).status_code == 204
        assert (await client.delete(f"/api/v1/roles/{role['id']}")).status_code == 204


class TestResources:
    async def test_defaults_are_eight_hours_monday_to_friday(
        self, client: httpx.AsyncClient
    ) -> None:
        person = await make_resource(client)
        week = [person[f"hours_{d}"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
        assert week == [8, 8, 8, 8, 8, 0, 0]
        assert (person["kind"], person["availability_factor"], person["active"]) == (
            "person",
            1,
            True,
        )

    async def test_an_email_is_unique_when_set_whatever_its_case(
        self, client: httpx.AsyncClient
    ) -> None:
        email = f"{unique('ada')}@example.com"
        first = await make_resource(client, email=email.upper())
        assert first["email"] == email
        assert_problem(
            await client.post("/api/v1/resources", json={"name": "x", "email": email}), 409
        )
        # Several resources without an email are fine.
        await make_resource(client)
        await make_resource(client)
        other = await make_resource(client)
        clash = await client.patch(f"/api/v1/resources/{other['id']}", json={"email": email})
        assert_problem(clash, 409)

    async def test_rules_are_422s_naming_the_field(self, client: httpx.AsyncClient) -> None:
        late = {"name": "x", "employment_start": "2026-05-01", "employment_end": "2026-04-30"}
        assert_problem(
            await client.post("/api/v1/resources", json=late), 422, loc=["body", "employment_end"]
        )
        ghost = {"name": "x", "role_id": str(uuid.uuid4())}
        assert_problem(
            await client.post("/api/v1/resources", json=ghost), 422, loc=["body", "role_id"]
        )
        for bad in ({"kind": "robot"}, {"availability_factor": -0.5}, {"hours_mon": 25}):
            response = await client.post("/api/v1/resources", json={"name": "x", **bad})
            assert_problem(response, 422, loc=["body", next(iter(bad))])

    async def test_updates_follow_if_match_and_are_audited(self, client: httpx.AsyncClient) -> None:
        person = await make_resource(client)
        url = f"/api/v1/resources/{person['id']}"
        stale = {"If-Match": '"0"'}
        assert_problem(await client.patch(url, json={"active": False}, headers=stale), 412)
        etag = (await client.get(url)).headers["etag"]
        changed = await client.patch(url, json={"active": False}, headers={"If-Match": etag})
        assert changed.status_code == 200
        assert (changed.json()["active"], changed.json()["version"]) == (False, 2)
        events = await client.get("/api/v1/audit-events", params={"object_id": person["id"]})
        assert [e["action"] for e in events.json()["data"]][-2:] in (
            ["create", "update"],
            ["update", "create"],
        )
        assert {e["object_type"] for e in events.json()["data"]} == {"resource"}

    async def test_a_post_replays_under_the_same_idempotency_key(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        body = {"name": unique("team"), "kind": "team", "availability_factor": 3}
        first = await client.post("/api/v1/resources", json=body, headers=headers)
        again = await client.post("/api/v1/resources", json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]

    async def test_the_list_filters_and_answers_csv(self, client: httpx.AsyncClient) -> None:
        role = await post_created(client, "/api/v1/roles", {"name": unique("tester")})
        kept = await make_resource(client, role_id=role["id"], kind="placeholder")
        await make_resource(client, role_id=role["id"], active=False)
        params = {"role_id": role["id"], "active": "true"}
        listed = await client.get("/api/v1/resources", params=params)
        assert [r["id"] for r in listed.json()["data"]] == [kept["id"]]
        csv = await client.get("/api/v1/resources", params={**params, "format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv")
        header, row = csv.text.strip().splitlines()
        assert header.split(",")[:3] == ["id", "created_at", "updated_at"]
        assert kept["id"] in row and "placeholder" in row


class TestWhatAResourceOwns:
    async def test_skill_levels_rates_and_time_off_belong_to_their_resource(
        self, client: httpx.AsyncClient
    ) -> None:
        person, other = await make_resource(client), await make_resource(client)
        base = f"/api/v1/resources/{person['id']}"
        skill = await post_created(client, "/api/v1/skills", {"name": unique("sql")})
        level = await post_created(
            client, f"{base}/skill-levels", {"skill_id": skill["id"], "level": 4}
        )
        assert level["level"] == 4
        again = await client.post(
            f"{base}/skill-levels", json={"skill_id": skill["id"], "level": 2}
        )
        assert_problem(again, 409)
        assert_problem(
            await client.post(f"{base}/skill-levels", json={"skill_id": skill["id"], "level": 6}),
            422,
            loc=["body", "level"],
        )
        assert_problem(await client.delete(f"/api/v1/skills/{skill['id']}"), 409)
        # Another resource's path does not reach it.
        elsewhere = f"/api/v1/resources/{other['id']}/skill-levels/{level['id']}"
        assert_problem(await client.get(elsewhere), 404)

        for day, rate in (("2026-01-01", 80), ("2026-03-15", 92.25)):
            await post_created(client, f"{base}/rates", {"effective_from": day, "rate": rate})
        rates = (await client.get(f"{base}/rates")).json()["data"]
        assert [(r["effective_from"], r["rate"]) for r in rates] == [
            ("2026-01-01", 80),
            ("2026-03-15", 92.25),
        ]
        duplicate = await client.post(
            f"{base}/rates", json={"effective_from": "2026-01-01", "rate": 1}
        )
        assert_problem(duplicate, 409)

        away = {"start_date": "2026-02-10", "end_date": "2026-02-09"}
        assert_problem(
            await client.post(f"{base}/time-off", json=away), 422, loc=["body", "end_date"]
        )
        off = await post_created(client, f"{base}/time-off", {**away, "end_date": "2026-02-12"})
        assert off["hours_per_day"] is None
        assert_problem(await client.get(f"/api/v1/resources/{uuid.uuid4()}/time-off"), 404)

        # A resource's own rows go with it.
        assert (await client.delete(base)).status_code == 204
        assert_problem(await client.get(f"{base}/time-off/{off['id']}"), 404)

    async def test_a_holiday_is_one_per_day(self, client: httpx.AsyncClient) -> None:
        day = f"2031-{next(_seq) % 12 + 1:02d}-{next(_seq) % 28 + 1:02d}"
        existing = await client.get("/api/v1/holidays", params={"limit": 500})
        if day in {h["day"] for h in existing.json()["data"]}:
            pytest.skip("the day was taken by an earlier test of this database")
        await post_created(client, "/api/v1/holidays", {"day": day, "name": "Founders' day"})
        assert_problem(await client.post("/api/v1/holidays", json={"day": day, "name": "x"}), 409)


class TestWhoMayWrite:
    async def test_only_an_admin_not_limited_to_portfolios_writes(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        limited = await harness.make_key(app, Role.admin, [uuid.UUID(portfolio["id"])])
        editor = await harness.make_key(app, Role.editor)
        viewer = await harness.make_key(app, Role.viewer, [uuid.UUID(portfolio["id"])])
        person = await make_resource(client)
        for key in (limited, editor):
            async with harness.http_client(app, key) as other:
                assert_problem(await other.post("/api/v1/skills", json={"name": unique("s")}), 403)
                url = f"/api/v1/resources/{person['id']}"
                assert_problem(await other.patch(url, json={"name": "renamed"}), 403)
        async with harness.http_client(app, viewer) as reader:
            assert (await reader.get(f"/api/v1/resources/{person['id']}")).status_code == 200
