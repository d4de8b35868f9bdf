"""Fixtures of the OIDC tests: the OpenID provider (one per session) and pmo-api configured to
trust it (one per database, beside the session's app, on the same database)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.app import create_app
from tests.access.oidc_provider import AUDIENCE, Provider, running_provider

PORTFOLIO_CLAIM = "pmo_portfolios"


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


def oidc_settings(database_url: str, provider: Provider, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "oidc_issuer": provider.url,
        "oidc_audience": AUDIENCE,
        "oidc_role_claim": "groups",
        "oidc_admin_values": ["pmo-admins"],
        "oidc_editor_values": ["pmo-editors", "project-leads"],
        "oidc_viewer_values": ["pmo-viewers"],
        "oidc_portfolio_claim": PORTFOLIO_CLAIM,
        # A rotation is seen at the first unknown key (the rate limit has a test of its own).
        "oidc_jwks_refetch_seconds": 0,
        **overrides,
    }
    return harness.test_settings(database_url, **values)


@pytest.fixture(scope="session")
async def oidc_app(database_url: str, provider: Provider) -> AsyncIterator[FastAPI]:
    application = create_app(oidc_settings(database_url, provider))
    async with LifespanManager(application):
        yield application
