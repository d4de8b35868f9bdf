"""Authentication (CONTRACT §7): nothing is served without a key but /healthz, /readyz, /metrics
(and the docs while PMO_PUBLIC_DOCS is on); API keys, their lifecycle and their secrets; rate
limits; the command line's keys."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
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
from tests.factories import PROBLEM_JSON, key_id_of, make_portfolio
from tests.secrets_guard import GUARD

ALWAYS_PUBLIC = {"/healthz", "/readyz", "/metrics"}
KEY_FORMAT = re.compile(r"^pmo_([0-9a-f]{32})_([A-Za-z0-9_-]{20,})$")
_PARAM = re.compile(r"\{(\w+)(:\w+)?\}")


def assert_unauthenticated(response: httpx.Response) -> None:
    """A 401 problem with a Bearer challenge."""
    where = f"{response.request.method} {response.request.url}"
    assert response.status_code == 401, (where, response.status_code, response.text[:300])
    assert response.headers["www-authenticate"].startswith("Bearer"), where
    assert response.headers["content-type"] == PROBLEM_JSON, where
    if response.request.method == "HEAD":
        return  # no body to a HEAD
    body = response.json()
    assert body["status"] == 401 and body["title"] and body["type"].endswith("not-authenticated")


# --- walking every route of an app ----------------------------------------------------------


@dataclass(frozen=True)
class Served:
    kind: str  # "http", "websocket" or "mount"
    path: str
    methods: frozenset[str]


def served_routes(app: FastAPI) -> list[Served]:
    """Every route the app serves, included routers flattened (whatever their kind, so a route
    of a kind this walk does not know fails the test instead of being skipped)."""
    found: list[Served] = []

    def visit(route: Any) -> None:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # an included router
            for context in contexts():
                visit(context)
            return
        concrete = getattr(route, "starlette_route", None) or route
        path = getattr(concrete, "path", None) or getattr(route, "path", None)
        kind_name = type(concrete).__name__
        assert path, f"a route without a path: {route!r}"
        if "WebSocket" in kind_name:
            found.append(Served("websocket", path, frozenset()))
        elif kind_name == "Mount":
            found.append(Served("mount", path, frozenset({"GET"})))
        elif getattr(route, "methods", None):
            found.append(Served("http", path, frozenset(route.methods)))
        else:
            pytest.fail(f"a route of an unknown kind: {route!r}; teach served_routes()")

    for route in app.routes:
        visit(route)
    return found


def concrete(path: str) -> str:
    return _PARAM.sub(lambda _m: str(uuid.uuid4()), path)


# Paths no route serves, and near misses of the public ones: all need a key too.
UNKNOWN_PATHS = [
    "/",
    "/api",
    "/api/v1",
    "/api/v1/nope",
    "/api/v2/projects",
    "/healthz/",
    "/HEALTHZ",
    "/metrics/extra",
    "/readyz.json",
    "/docsx",
    "/openapi.jsonx",
    "/graphql/",
    "/graphiql",
    "/api/v1/projects/",
]


@pytest.fixture
async def closed_docs_app(database_url: str) -> AsyncIterator[FastAPI]:
    """An app with PMO_PUBLIC_DOCS off: only the three ops routes are public."""
    application = create_app(harness.test_settings(database_url, public_docs=False))
    async with LifespanManager(application):
        yield application


async def walk_without_key(app: FastAPI) -> tuple[list[str], list[str]]:
    """Requests every route and every unknown path with no key; returns what answered without
    one (path strings) and everything that was asked."""
    answered, asked = [], []
    async with harness.http_client(app, None) as anonymous:
        for served in served_routes(app):
            if served.kind == "websocket":
                continue  # TestWebSockets
            path = concrete(served.path)
            if served.kind == "mount":
                path = f"{path}/swagger-ui.css"
            for method in sorted(served.methods | {"PUT", "OPTIONS"}):
                response = await anonymous.request(method, path)
                asked.append(f"{method} {served.path}")
                if response.status_code == 401:
                    assert_unauthenticated(response)
                else:
                    answered.append(served.path)
        for path in UNKNOWN_PATHS:
            for method in ("GET", "POST", "DELETE"):
                response = await anonymous.request(method, path)
                asked.append(f"{method} {path}")
                assert_unauthenticated(response)
    return answered, asked


class TestNothingIsServedWithoutAKey:
    async def test_with_public_docs_only_ops_and_docs_answer_without_a_key(
        self, app: FastAPI
    ) -> None:
        assert app.state.settings.public_docs
        answered, asked = await walk_without_key(app)
        docs = {"/docs", "/openapi.json", "/docs/assets"}
        assert set(answered) == ALWAYS_PUBLIC | docs, answered
        # The walk met every operation of the spec.
        for path, item in app.openapi()["paths"].items():
            for method in item:
                assert f"{method.upper()} {path}" in asked

    async def test_without_public_docs_only_healthz_readyz_and_metrics_answer(
        self, closed_docs_app: FastAPI
    ) -> None:
        answered, _ = await walk_without_key(closed_docs_app)
        assert set(answered) == ALWAYS_PUBLIC, answered

    @pytest.mark.parametrize("path", sorted(ALWAYS_PUBLIC))
    async def test_ops_routes_answer_without_a_key_whatever_the_settings(
        self, app: FastAPI, closed_docs_app: FastAPI, path: str
    ) -> None:
        for application in (app, closed_docs_app):
            async with harness.http_client(application, None) as anonymous:
                response = await anonymous.get(path)
            assert response.status_code == 200, response.text

    async def test_public_paths_answer_even_with_a_bad_key(self, app: FastAPI) -> None:
        async with harness.http_client(app, "pmo_not_a_key") as client:
            assert (await client.get("/healthz")).status_code == 200

    async def test_docs_graphiql_and_spec_need_a_key_when_docs_are_not_public(
        self, closed_docs_app: FastAPI, app: FastAPI
    ) -> None:
        html = {"Accept": "text/html"}
        async with harness.http_client(closed_docs_app, None) as anonymous:
            for path in ("/docs", "/openapi.json", "/docs/assets/swagger-ui.css"):
                assert_unauthenticated(await anonymous.get(path))
            assert_unauthenticated(await anonymous.get("/graphql", headers=html))
        async with harness.http_client(app, None) as anonymous:
            page = await anonymous.get("/graphql", headers=html)
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            assert (await anonymous.get("/docs/assets/swagger-ui.css")).status_code == 200

    async def test_a_graphql_operation_needs_a_key_even_beside_the_public_graphiql_page(
        self, app: FastAPI
    ) -> None:
        html = {"Accept": "text/html"}
        query = "{ __typename }"
        async with harness.http_client(app, None) as anonymous:
            assert_unauthenticated(await anonymous.get("/graphql", params={"query": query}))
            assert_unauthenticated(
                await anonymous.get("/graphql", params={"query": query}, headers=html)
            )
            assert_unauthenticated(await anonymous.post("/graphql", json={"query": query}))
            assert_unauthenticated(
                await anonymous.post("/graphql", json={"query": query}, headers=html)
            )

    @pytest.mark.parametrize(
        "query_string",
        [
            "%71uery=%7B__typename%7D",  # `query`, its first letter percent-encoded
            "que%72y=%7B__schema%7BqueryType%7Bname%7D%7D%7D",
            "%71uery=%7Bportfolios%7Bnodes%7Bid%7D%7D%7D",
        ],
    )
    async def test_an_encoded_query_parameter_does_not_pass_as_the_graphiql_page(
        self, app: FastAPI, query_string: str
    ) -> None:
        """The GraphiQL page is public; an operation dressed as a request for it is not."""
        async with harness.http_client(app, None) as anonymous:
            response = await anonymous.get(
                f"/graphql?{query_string}", headers={"Accept": "text/html"}
            )
        assert_unauthenticated(response)

    @pytest.mark.parametrize(
        "path",
        [
            "/docs/assets/../../api/v1/projects",
            "/docs/assets/%2e%2e/%2e%2e/api/v1/projects",
            "/healthz/../api/v1/projects",
            "/metrics/../api/v1/audit-events",
        ],
    )
    async def test_dot_segments_after_a_public_prefix_reach_nothing(
        self, app: FastAPI, admin_key: str, path: str
    ) -> None:
        await harness.empty_tables(app)
        async with harness.http_client(app, admin_key) as admin:
            portfolio = await make_portfolio(admin)
        status, body = await raw_http(app, path)
        assert status in (401, 404), (status, body)
        assert portfolio["id"] not in body and '"data"' not in body


class TestTheSpecDeclaresBearerAuth:
    async def test_every_operation_but_the_public_ones_requires_the_bearer_scheme(
        self, app: FastAPI
    ) -> None:
        """Generated clients and the docs' "Authorize" button learn about the key from the
        spec: an HTTP bearer scheme, required by every operation that needs a key."""
        spec = app.openapi()
        schemes = spec.get("components", {}).get("securitySchemes", {})
        bearer = {
            name
            for name, scheme in schemes.items()
            if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
        }
        assert bearer, f"no HTTP bearer scheme in components.securitySchemes: {schemes}"
        default = spec.get("security", [])
        undeclared, overdeclared = [], []
        for path, item in spec["paths"].items():
            for method, op in item.items():
                requirements = op.get("security", default)
                needs_key = (
                    any(set(req) & bearer for req in requirements) and {} not in requirements
                )
                if path in ALWAYS_PUBLIC and needs_key:
                    overdeclared.append(f"{method.upper()} {path}")
                elif path not in ALWAYS_PUBLIC and not needs_key:
                    undeclared.append(f"{method.upper()} {path}")
        assert not undeclared, f"operations that need a key but do not say so: {undeclared}"
        assert not overdeclared, f"public operations that claim to need a key: {overdeclared}"


async def raw_http(
    app: FastAPI, path: str, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[int, str]:
    """A GET with the path exactly as given (httpx would normalise dot segments away)."""
    messages: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body.decode("utf-8", "replace")


class TestWebSockets:
    async def test_a_websocket_without_a_key_is_refused_before_anything_runs(
        self, app: FastAPI
    ) -> None:
        """GraphQL's websocket route (graphql-transport-ws) must not run an operation, nor
        fail inside, for a caller without a key: the handshake is refused."""
        websocket_paths = [s.path for s in served_routes(app) if s.kind == "websocket"]
        for path in websocket_paths or ["/graphql"]:
            sent, raised = await websocket_session(app, path)
            assert raised is None, f"{path}: the app raised {raised!r} for a websocket"
            assert sent, f"{path}: no answer to a websocket handshake"
            first = sent[0]
            assert first["type"] in ("websocket.close", "websocket.http.response.start"), sent
            assert not any(m["type"] == "websocket.accept" for m in sent), sent
            assert not any('"data"' in str(m.get("text", "")) for m in sent), sent


async def websocket_session(
    app: FastAPI, path: str
) -> tuple[list[dict[str, Any]], BaseException | None]:
    """A graphql-transport-ws client that subscribes to a query at once, with no key."""
    incoming = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": json.dumps({"type": "connection_init"})},
        {
            "type": "websocket.receive",
            "text": json.dumps(
                {
                    "type": "subscribe",
                    "id": "1",
                    "payload": {"query": "{ portfolios { nodes { id } } }"},
                }
            ),
        },
    ]
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"sec-websocket-protocol", b"graphql-transport-ws")],
        "subprotocols": ["graphql-transport-ws"],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(0.2)
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=5)
    except Exception as exc:
        return sent, exc
    return sent, None


# --- bearer values --------------------------------------------------------------------------


class TestBearerValues:
    @pytest.mark.parametrize(
        "header",
        [
            "",
            "Bearer",
            "Bearer ",
            "Basic dXNlcjpwYXNz",
            "Token {key}",
            "{key}",
            "Bearer pmo_",
            "Bearer pmo__secret",
            "Bearer pmo_{hex}_",
            "Bearer pmo_{hex}",
            "Bearer pmo_zz{hex30}_secret",
            "Bearer sk_{hex}_secret",
            "Bearer pmo_{hex}_wrongsecret",
            "Bearer {key_id_hex_wrong_secret}",
            "Bearer {key}x",
            "Bearer {key}, Bearer {key}",
            "Bearer " + "a" * 5000,
        ],
    )
    async def test_malformed_or_wrong_values_are_401(
        self, app: FastAPI, admin_key: str, header: str
    ) -> None:
        key_hex = admin_key.split("_")[1]
        value = header.format(
            key=admin_key,
            hex=uuid.uuid4().hex,
            hex30=uuid.uuid4().hex[:30],
            key_id_hex_wrong_secret=f"pmo_{key_hex}_{'x' * 43}",
        )
        async with harness.http_client(app, None) as anonymous:
            response = await anonymous.get("/api/v1/projects", headers={"Authorization": value})
        assert_unauthenticated(response)

    async def test_non_ascii_bytes_in_the_header_are_401(self, app: FastAPI) -> None:
        status, body = await raw_http(
            app, "/api/v1/projects", [(b"authorization", b"Bearer pmo_\xff\xfe_\x00x")]
        )
        assert status == 401, body

    async def test_a_wrong_secret_and_an_unknown_key_answer_alike(
        self, app: FastAPI, admin_key: str
    ) -> None:
        known_id = admin_key.split("_")[1]
        async with harness.http_client(app, None) as anonymous:
            wrong_secret = await anonymous.get(
                "/api/v1/projects", headers={"Authorization": f"Bearer pmo_{known_id}_{'x' * 43}"}
            )
            unknown = await anonymous.get(
                "/api/v1/projects",
                headers={"Authorization": f"Bearer pmo_{uuid.uuid4().hex}_{'x' * 43}"},
            )
        assert_unauthenticated(wrong_secret)
        assert_unauthenticated(unknown)
        assert wrong_secret.json() == unknown.json()

    async def test_the_scheme_is_case_insensitive(self, app: FastAPI, admin_key: str) -> None:
        async with harness.http_client(app, None) as anonymous:
            for scheme in ("bearer", "BEARER", "Bearer"):
                response = await anonymous.get(
                    "/api/v1/projects", headers={"Authorization": f"{scheme} {admin_key}"}
                )
                assert response.status_code == 200, (scheme, response.text)


# --- keys: creation, secrets, use, revocation, expiry ----------------------------------------


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


# --- rate limits, body size, page size ------------------------------------------------------


@pytest.fixture
async def limited_app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(harness.test_settings(database_url, rate_limit_per_minute=3))
    async with LifespanManager(application):
        yield application


async def start_of_a_fresh_window() -> None:
    """The limiter counts in fixed minutes: do not start a burst in a minute's last seconds."""
    into = time.time() % 60
    if into > 55:
        await asyncio.sleep(60 - into + 0.05)


class TestRateLimits:
    async def test_the_fourth_request_in_a_minute_is_429_with_retry_after(
        self, limited_app: FastAPI
    ) -> None:
        key = await harness.make_key(limited_app, Role.viewer)
        other = await harness.make_key(limited_app, Role.viewer)
        await start_of_a_fresh_window()
        async with harness.http_client(limited_app, key) as caller:
            for remaining in (2, 1, 0):
                response = await caller.get("/api/v1/projects")
                assert response.status_code == 200, response.text
                assert response.headers["ratelimit-limit"] == "3"
                assert response.headers["ratelimit-remaining"] == str(remaining)
                assert 1 <= int(response.headers["ratelimit-reset"]) <= 60
            refused = await caller.get("/api/v1/projects")
            graphql = await caller.post("/graphql", json={"query": "{ __typename }"})
        for response in (refused, graphql):
            assert response.status_code == 429, response.text
            assert 1 <= int(response.headers["retry-after"]) <= 60
            assert response.headers["ratelimit-limit"] == "3"
            assert response.headers["ratelimit-remaining"] == "0"
            assert 1 <= int(response.headers["ratelimit-reset"]) <= 60
            assert response.headers["content-type"] == PROBLEM_JSON
            assert response.json()["status"] == 429
        async with harness.http_client(limited_app, other) as second:
            assert (await second.get("/api/v1/projects")).status_code == 200  # per key

    async def test_public_paths_and_refused_credentials_are_not_counted(
        self, limited_app: FastAPI
    ) -> None:
        key = await harness.make_key(limited_app, Role.viewer)
        await start_of_a_fresh_window()
        async with harness.http_client(limited_app, None) as anonymous:
            for _ in range(5):
                assert (await anonymous.get("/healthz")).status_code == 200
                assert_unauthenticated(await anonymous.get("/api/v1/projects"))
        async with harness.http_client(limited_app, key) as caller:
            assert (await caller.get("/api/v1/projects")).status_code == 200


class TestInputLimits:
    async def test_a_body_over_the_limit_is_413_for_a_key_and_401_without(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        size = app.state.settings.max_body_bytes + 1
        body = b'{"name": "' + b"x" * size + b'"}'
        headers = {"Content-Type": "application/json"}
        response = await client.post("/api/v1/portfolios", content=body, headers=headers)
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == PROBLEM_JSON
        async with harness.http_client(app, None) as anonymous:
            refused = await anonymous.post("/api/v1/portfolios", content=body, headers=headers)
        assert_unauthenticated(refused)

    async def test_page_size_is_capped(self, client: httpx.AsyncClient) -> None:
        for path in ("/api/v1/projects", "/api/v1/portfolios", "/api/v1/api-keys"):
            assert (await client.get(path, params={"limit": 500})).status_code == 200
            too_many = await client.get(path, params={"limit": 501})
            assert too_many.status_code == 422, (path, too_many.text)
        audit = await client.get("/api/v1/audit-events", params={"limit": 501})
        assert audit.status_code == 422
        result = (
            await client.post(
                "/graphql", json={"query": "{ projects(first: 501) { nodes { id } } }"}
            )
        ).json()
        assert result.get("errors") and not (result.get("data") or {}).get("projects")


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
