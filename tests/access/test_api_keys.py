"""API keys (CONTRACT §7): their creation, format and secrets, their use, revocation and expiry,
who may manage them, and the keys of the command line (`pmo-api create-api-key`, the first
admin key `serve` makes)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import select

import tests.conftest as harness
from pmo_api.access.bootstrap import ensure_first_admin_key
from pmo_api.access.keys import api_keys, hash_secret
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from pmo_api.audit.recorder import events
from tests.access.unauthenticated import assert_unauthenticated
from tests.factories import PROBLEM_JSON, key_id_of, make_portfolio
from tests.secrets_guard import GUARD

KEY_FORMAT = re.compile(r"^pmo_([0-9a-f]{32})_([A-Za-z0-9_-]{20,})$")


async def create_key_via_api(
    admin: httpx.AsyncClient, **fields: Any
) -> tuple[dict[str, Any], httpx.Response]:
    body = {"name": f"key {uuid.uuid4().hex[:8]}", "role": "viewer", **fields}
    response = await admin.post("/api/v1/api-keys", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created, response


class TestKeyCreation:
    async def test_the_key_is_returned_once_in_its_format_with_a_location(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        created, response = await create_key_via_api(client, role="editor")
        match = KEY_FORMAT.match(created["key"])
        assert match, created["key"]
        assert str(uuid.UUID(hex=match.group(1))) == created["id"]
        assert response.headers["location"] == f"/api/v1/api-keys/{created['id']}"
        assert created["role"] == "editor" and created["portfolio_ids"] is None
        assert created["revoked_at"] is None and created["last_used_at"] is None
        async with harness.http_client(app, created["key"]) as editor:
            assert (await editor.get("/api/v1/projects")).status_code == 200

    async def test_an_idempotent_replay_returns_the_same_key_without_its_secret(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
        body = {"name": "replayed", "role": "viewer"}
        first = await client.post("/api/v1/api-keys", json=body, headers=headers)
        again = await client.post("/api/v1/api-keys", json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["key"] and again.json()["key"] is None
        assert again.json()["id"] == first.json()["id"]
        assert first.json()["key"].split("_", 2)[2] not in again.text

    async def test_the_secret_is_stored_only_as_a_hash(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        created, _ = await create_key_via_api(client)
        secret = created["key"].split("_", 2)[2]
        async with app.state.db.read() as conn:
            rows = (await conn.execute(select(api_keys))).mappings().all()
            audit = (await conn.execute(select(events))).mappings().all()
        assert rows
        for row in rows:
            for column, value in row.items():
                assert secret not in str(value), column
                assert created["key"] not in str(value), column
        mine = next(r for r in rows if str(r["id"]) == created["id"])
        assert mine["secret_hash"] == hash_secret(secret) != secret
        for event in audit:
            assert secret not in str(dict(event)) and mine["secret_hash"] not in str(dict(event))

    async def test_listing_and_reading_keys_never_show_secrets_or_hashes(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        created, _ = await create_key_via_api(client)
        secret = created["key"].split("_", 2)[2]
        listed = await client.get("/api/v1/api-keys", params={"q": created["name"]})
        one = await client.get(f"/api/v1/api-keys/{created['id']}")
        csv = await client.get("/api/v1/api-keys", params={"format": "csv"})
        for response in (listed, one, csv):
            assert response.status_code in (200, 422), response.text
            assert secret not in response.text and hash_secret(secret) not in response.text
            assert "secret_hash" not in response.text
        assert [k["id"] for k in listed.json()["data"]] == [created["id"]]
        assert "key" not in listed.json()["data"][0] and "key" not in one.json()

    @pytest.mark.parametrize(
        ("fields", "loc"),
        [
            ({"expires_at": "2001-01-01T00:00:00Z"}, ["body", "expires_at"]),
            ({"expires_at": "2999-01-01T00:00:00"}, ["body", "expires_at"]),  # no offset
            ({"role": "owner"}, ["body", "role"]),
            ({"portfolio_ids": ["00000000-0000-4000-8000-000000000000"]}, None),
        ],
    )
    async def test_invalid_key_requests_are_422(
        self, client: httpx.AsyncClient, fields: dict[str, Any], loc: list[str] | None
    ) -> None:
        body = {"name": "bad", "role": "viewer", **fields}
        response = await client.post("/api/v1/api-keys", json=body)
        assert response.status_code == 422, response.text
        if loc is not None:
            assert loc in [e["loc"] for e in response.json()["errors"]]

    async def test_a_key_limited_to_portfolios_carries_them(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        created, _ = await create_key_via_api(
            client, portfolio_ids=[portfolio["id"]], expires_at=expires
        )
        assert created["portfolio_ids"] == [portfolio["id"]]
        assert datetime.fromisoformat(created["expires_at"]) == datetime.fromisoformat(expires)

    async def test_a_key_limited_to_no_portfolio_sees_none(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        created, _ = await create_key_via_api(client, portfolio_ids=[])
        assert created["portfolio_ids"] == []  # not "every portfolio"
        async with harness.http_client(app, created["key"]) as nobody:
            assert (await nobody.get("/api/v1/portfolios")).json()["data"] == []
            one = await nobody.get(f"/api/v1/portfolios/{portfolio['id']}")
            assert one.status_code == 404


class TestKeyUse:
    async def test_last_use_is_recorded(self, client: httpx.AsyncClient, app: FastAPI) -> None:
        created, _ = await create_key_via_api(client)
        before = datetime.now(UTC)
        async with harness.http_client(app, created["key"]) as viewer:
            assert (await viewer.get("/api/v1/projects")).status_code == 200
        await app.state.keys.drain()
        after = (await client.get(f"/api/v1/api-keys/{created['id']}")).json()
        assert after["last_used_at"] is not None
        used = datetime.fromisoformat(after["last_used_at"])
        assert before - timedelta(seconds=1) <= used <= datetime.now(UTC) + timedelta(seconds=1)

    async def test_a_revoked_key_is_refused_at_once_by_the_instance_that_revoked_it(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        created, _ = await create_key_via_api(client)
        async with harness.http_client(app, created["key"]) as holder:
            assert (await holder.get("/api/v1/projects")).status_code == 200  # now cached
            revoked = await client.delete(f"/api/v1/api-keys/{created['id']}")
            assert revoked.status_code == 204, revoked.text
            assert_unauthenticated(await holder.get("/api/v1/projects"))
            assert_unauthenticated(await holder.post("/graphql", json={"query": "{__typename}"}))
        listed = (await client.get(f"/api/v1/api-keys/{created['id']}")).json()
        assert listed["revoked_at"] is not None  # kept, so that the audit trail keeps its actor
        again = await client.delete(f"/api/v1/api-keys/{created['id']}")
        assert again.status_code == 204

    async def test_another_instance_refuses_a_revoked_key_within_its_cache_bound(
        self, client: httpx.AsyncClient, database_url: str
    ) -> None:
        created, _ = await create_key_via_api(client)
        other = create_app(harness.test_settings(database_url, auth_cache_seconds=0))
        async with LifespanManager(other), harness.http_client(other, created["key"]) as holder:
            assert (await holder.get("/api/v1/projects")).status_code == 200
            assert (await client.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 204
            assert_unauthenticated(await holder.get("/api/v1/projects"))

    async def test_an_expired_key_is_401(self, app: FastAPI) -> None:
        past = datetime.now(UTC) - timedelta(seconds=1)
        key = await harness.make_key(app, Role.admin, expires_at=past)
        async with harness.http_client(app, key) as expired:
            assert_unauthenticated(await expired.get("/api/v1/projects"))
            assert_unauthenticated(await expired.post("/graphql", json={"query": "{__typename}"}))

    async def test_a_key_stops_working_when_it_expires_even_while_cached(
        self, app: FastAPI
    ) -> None:
        soon = datetime.now(UTC) + timedelta(seconds=1)
        key = await harness.make_key(app, Role.viewer, expires_at=soon)
        async with harness.http_client(app, key) as holder:
            assert (await holder.get("/api/v1/projects")).status_code == 200
            await asyncio.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
            assert_unauthenticated(await holder.get("/api/v1/projects"))


class TestKeyManagementNeedsAnUnlimitedAdmin:
    async def test_limited_admins_editors_and_viewers_cannot_manage_keys(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        target, _ = await create_key_via_api(client)
        keys = [
            await harness.make_key(app, Role.admin, [uuid.UUID(portfolio["id"])]),
            await harness.make_key(app, Role.editor),
            await harness.make_key(app, Role.viewer),
        ]
        for key in keys:
            async with harness.http_client(app, key) as caller:
                attempts = [
                    await caller.post("/api/v1/api-keys", json={"name": "x", "role": "admin"}),
                    await caller.get("/api/v1/api-keys"),
                    await caller.get(f"/api/v1/api-keys/{target['id']}"),
                    await caller.delete(f"/api/v1/api-keys/{target['id']}"),
                ]
            for response in attempts:
                assert response.status_code == 403, response.text
                assert response.headers["content-type"] == PROBLEM_JSON
        still = (await client.get(f"/api/v1/api-keys/{target['id']}")).json()
        assert still["revoked_at"] is None


class TestScopedAdmin:
    async def test_a_limited_admin_cannot_create_portfolios(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        """A key's portfolios are fixed when it is made, so a portfolio created by a limited
        admin would be one its creator could never see, fill or delete (a 201 whose Location
        answers 404), and a name it could probe across portfolios it may not see: 403."""
        mine = await make_portfolio(client)
        key = await harness.make_key(app, Role.admin, [uuid.UUID(mine["id"])])
        async with harness.http_client(app, key) as limited:
            response = await limited.post("/api/v1/portfolios", json={"name": "made by limited"})
            taken = await limited.post("/api/v1/portfolios", json={"name": mine["name"]})
            mutation = await limited.post(
                "/graphql",
                json={"query": 'mutation { createPortfolio(input: {name: "m"}) { __typename } }'},
            )
        assert response.status_code == 403, response.text
        assert taken.status_code == 403, taken.text  # not a 409 that confirms the name
        assert mutation.json()["data"]["createPortfolio"]["__typename"] == "ForbiddenError"
        names = [p["name"] for p in (await client.get("/api/v1/portfolios")).json()["data"]]
        assert names == [mine["name"]]


# --- the command line ---------------------------------------------------------------------------

PMO_API = str(Path(sys.executable).with_name("pmo-api"))


async def run_cli(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    env["PMO_DATABASE_URL"] = database_url
    env["PMO_LOG_LEVEL"] = "WARNING"
    process = await asyncio.create_subprocess_exec(
        PMO_API,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    GUARD.observe_cli(out.decode(), err.decode(), f"pmo-api {' '.join(args)}")
    return process.returncode, out.decode(), err.decode()


@pytest.fixture(scope="module")
async def cli_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    code, out, err = await run_cli(url, "migrate")
    assert code == 0, (out, err)
    return url


class TestCommandLineKeys:
    async def test_create_api_key_prints_a_key_that_works_with_its_role(
        self, cli_database: str
    ) -> None:
        code, out, err = await run_cli(cli_database, "create-api-key", "--role", "viewer")
        assert code == 0, (out, err)
        key = out.strip().splitlines()[-1]
        assert KEY_FORMAT.match(key), out
        application = create_app(harness.test_settings(cli_database))
        async with LifespanManager(application), harness.http_client(application, key) as viewer:
            assert (await viewer.get("/api/v1/projects")).status_code == 200
            denied = await viewer.post("/api/v1/portfolios", json={"name": "no"})
            assert denied.status_code == 403, denied.text

    async def test_create_api_key_limits_to_portfolios_and_expires(self, cli_database: str) -> None:
        _, out, _ = await run_cli(cli_database, "create-api-key", "--role", "admin")
        admin_key = out.strip().splitlines()[-1]
        application = create_app(harness.test_settings(cli_database))
        async with (
            LifespanManager(application),
            harness.http_client(application, admin_key) as admin,
        ):
            portfolio = await make_portfolio(admin)
            expires = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
            code, out, err = await run_cli(
                cli_database,
                "create-api-key",
                "--role",
                "editor",
                "--name",
                "limited from the command line",
                "--portfolio",
                portfolio["id"],
                "--expires",
                expires.isoformat(),
            )
            assert code == 0, (out, err)
            key = out.strip().splitlines()[-1]
            shown = (await admin.get(f"/api/v1/api-keys/{key_id_of(key)}")).json()
            assert shown["role"] == "editor" and shown["portfolio_ids"] == [portfolio["id"]]
            assert datetime.fromisoformat(shown["expires_at"]) == expires
            async with harness.http_client(application, key) as editor:
                seen = (await editor.get("/api/v1/portfolios")).json()["data"]
                assert [p["id"] for p in seen] == [portfolio["id"]]

    @pytest.mark.parametrize(
        "args",
        [
            ["--expires", "2001-01-01T00:00:00+00:00"],
            ["--portfolio", "00000000-0000-4000-8000-000000000000"],
            ["--portfolio", "not-a-uuid"],
            ["--expires", "next tuesday"],
        ],
    )
    async def test_create_api_key_refuses_bad_input_with_a_message_not_a_traceback(
        self, cli_database: str, args: list[str]
    ) -> None:
        code, out, err = await run_cli(cli_database, "create-api-key", "--role", "viewer", *args)
        assert code != 0, out
        assert not KEY_FORMAT.search(out), out
        assert "Traceback" not in err, err
        assert err.strip(), "no message"


@pytest.fixture
def first_key_database(dialect: str, tmp_path: Path) -> str:
    """A migrated database with no key yet, of the session's dialect."""
    return harness.fresh_database(dialect, tmp_path, suffix="first_key")


class TestFirstAdminKey:
    async def test_serve_creates_one_admin_key_on_a_database_without_keys(
        self, first_key_database: str
    ) -> None:
        settings = harness.test_settings(first_key_database)
        key = await ensure_first_admin_key(settings)
        assert key is not None and KEY_FORMAT.match(key)
        assert await ensure_first_admin_key(settings) is None
        application = create_app(settings)
        async with LifespanManager(application), harness.http_client(application, key) as admin:
            listed = (await admin.get("/api/v1/api-keys")).json()["data"]
            assert [(k["id"], k["role"], k["portfolio_ids"]) for k in listed] == [
                (key_id_of(key), "admin", None)
            ]
