"""Authentication (CONTRACT §7): nothing is served without a key but /healthz, /readyz, /metrics
(and the docs while PMO_PUBLIC_DOCS is on); the Bearer scheme the spec declares and the values
it refuses. API keys are tests/access/test_api_keys.py's, rate limits test_limits.py's."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.app import create_app
from tests.access.unauthenticated import assert_unauthenticated
from tests.factories import make_portfolio

ALWAYS_PUBLIC = {"/healthz", "/readyz", "/metrics"}
_PARAM = re.compile(r"\{(\w+)(:\w+)?\}")


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
        docs = {"/docs", "/openapi.json", "/docs/assets", "/graphql/assets"}  # GraphiQL's assets
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
