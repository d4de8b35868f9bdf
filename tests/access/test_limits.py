"""Rate limits per key, and the limits on body and page size, for a key and without one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from tests.access.unauthenticated import assert_unauthenticated
from tests.factories import PROBLEM_JSON


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
