"""Requests without a valid key are limited per client address (access/failures.py): past the
limit the address is refused before the key lookup, so random key ids cannot flood it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import event

import tests.conftest as harness
from pmo_api.access.failures import MAX_ADDRESSES, FailedAuthLimit
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from tests.access.test_limits import start_of_a_fresh_window
from tests.factories import assert_problem


@pytest.fixture
async def guarded_app(database_url: str) -> AsyncIterator[FastAPI]:
    settings = harness.test_settings(
        database_url, unauthenticated_rate_limit_per_minute=5, auth_cache_seconds=0
    )
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


async def test_an_address_sending_bad_keys_is_refused_before_the_lookup(
    guarded_app: FastAPI,
) -> None:
    good = await harness.make_key(guarded_app, Role.viewer)
    lookups: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "api_keys" in statement:
            lookups.append(statement)

    await start_of_a_fresh_window()
    engine = guarded_app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        async with harness.http_client(guarded_app, None) as stranger:
            for i in range(5):
                bad = {"Authorization": f"Bearer pmo_{i:032x}_secret"}
                assert (await stranger.get("/api/v1/projects", headers=bad)).status_code == 401
            counted = len(lookups)
            refused = await stranger.get(
                "/api/v1/projects", headers={"Authorization": "Bearer pmo_" + "f" * 32 + "_x"}
            )
            with_good = await stranger.get(
                "/api/v1/projects", headers={"Authorization": f"Bearer {good}"}
            )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert_problem(refused, 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert_problem(with_good, 429)  # the address, whatever it sends, until the minute ends
    assert len(lookups) == counted  # no lookup once refused
    # The public routes stay open.
    async with harness.http_client(guarded_app, None) as stranger:
        assert (await stranger.get("/healthz")).status_code == 200


def test_the_counters_are_bounded() -> None:
    limit = FailedAuthLimit(2)
    for i in range(MAX_ADDRESSES + 50):
        limit.failed(f"10.0.{i}")
    assert len(limit._counts) == MAX_ADDRESSES + 1  # the rest share one counter
    assert limit.blocked("10.9.9.9") is not None  # that shared counter is over the limit
    assert limit.blocked("10.0.1") is None
