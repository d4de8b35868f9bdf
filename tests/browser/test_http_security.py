"""What a browser is told (core/http_security.py): security headers on every answer, a policy
per page for /docs and GraphiQL, CORS for the allowed origins only, /metrics behind a token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from tests.access.unauthenticated import assert_unauthenticated

ALLOWED = "https://pmo.example.test"


@pytest.fixture
async def cors_app(database_url: str) -> AsyncIterator[FastAPI]:
    settings = harness.test_settings(
        database_url, cors_origins=f"{ALLOWED}, https://bi.example.test", metrics_token="s3cret"
    )
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


async def test_every_answer_carries_the_security_headers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for path in ["/api/v1/projects", "/api/v1/nowhere", "/healthz", "/openapi.json"]:
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        ), path
        assert "server" not in response.headers, path
    async with harness.http_client(app, None) as anonymous:
        refused = await anonymous.get("/api/v1/projects")
    assert_unauthenticated(refused)
    assert refused.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/docs", "/graphql"])
async def test_the_pages_allow_only_their_own_scripts_and_no_framing(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'sha256-" in policy  # the page's inline script, by hash only
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["x-frame-options"] == "DENY"
    # Every script and style comes from pmo-api itself.
    assert "https://" not in response.text.split("<body")[0]
    assert "unpkg" not in response.text and "cdn." not in response.text


async def test_the_graphiql_assets_are_served_locally(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert "/graphql/assets/graphiql.min.js" in page.text
    asset = await client.get("/graphql/assets/graphiql.min.js")
    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith(("text/javascript", "application/javascript"))


async def test_a_preflight_from_an_allowed_origin_needs_no_key(cors_app: FastAPI) -> None:
    async with harness.http_client(cors_app, None) as browser:
        preflight = await browser.options(
            "/api/v1/projects/P-1",
            headers={
                "Origin": ALLOWED,
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "authorization, if-match, idempotency-key",
            },
        )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-credentials" not in preflight.headers
    allowed = preflight.headers["access-control-allow-headers"].lower()
    for header in ["authorization", "if-match", "idempotency-key"]:
        assert header in allowed
    assert "PATCH" in preflight.headers["access-control-allow-methods"]


async def test_answers_expose_the_api_headers_to_allowed_origins_only(
    cors_app: FastAPI,
) -> None:
    key = await harness.make_key(cors_app, Role.admin)
    async with harness.http_client(cors_app, key) as browser:
        allowed = await browser.get("/api/v1/projects", headers={"Origin": ALLOWED})
        other = await browser.get("/api/v1/projects", headers={"Origin": "https://evil.test"})
        refused = await browser.options(
            "/api/v1/projects",
            headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"},
        )
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    exposed = allowed.headers["access-control-expose-headers"].lower()
    for header in ["etag", "location", "link", "ratelimit-limit", "ratelimit-remaining"]:
        assert header in exposed
    assert "access-control-allow-origin" not in other.headers
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_no_origin_is_allowed_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/projects", headers={"Origin": ALLOWED})
    assert "access-control-allow-origin" not in response.headers


async def test_metrics_need_the_token_when_one_is_set(
    cors_app: FastAPI, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/metrics")).status_code == 200  # no token set: public
    async with harness.http_client(cors_app, None) as scraper:
        assert_unauthenticated(await scraper.get("/metrics"))
        wrong = await scraper.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert_unauthenticated(wrong)
        right = await scraper.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200
