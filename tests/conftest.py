"""Every test that touches the database runs once per dialect: SQLite always, PostgreSQL when
PMO_TEST_DATABASE_URL is set (CI sets it; there an unreachable PostgreSQL fails the run)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from pmo_api.access.principal import LOCAL_ADMIN, Role
from pmo_api.access.service import insert_key
from pmo_api.app import create_app
from pmo_api.db.migrate import upgrade
from pmo_api.db.registry import metadata
from pmo_api.settings import Settings
from tests.secrets_guard import GUARD, Plugin


def pytest_configure(config: pytest.Config) -> None:
    """No API key in the logs of the whole session (tests/secrets_guard.py)."""
    GUARD.install(config)
    config.pluginmanager.register(Plugin(GUARD), "pmo-secrets-guard")


def postgres_url() -> str | None:
    raw = os.environ.get("PMO_TEST_DATABASE_URL")
    if not raw:
        return None
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+asyncpg://" + raw[len(prefix) :]
    raise ValueError(f"PMO_TEST_DATABASE_URL must be a PostgreSQL URL, not {raw!r}")


DIALECTS = ["sqlite"] + (["postgresql"] if postgres_url() else [])


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _ensure_postgres_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        query = text("SELECT 1 FROM pg_database WHERE datname = :n")
        found = await conn.execute(query, {"n": name})
        if found.scalar() is None:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def fresh_database(dialect: str, directory: Path, *, suffix: str = "") -> str:
    """An empty database of the dialect, migrated to head; returns its URL. A suffix names a
    separate scratch database (on PostgreSQL `<test database>_<suffix>`), for tests that must
    not disturb the one the session's app is using."""
    if dialect == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'test{suffix}.db'}"
    else:
        url = postgres_url() or ""
        if suffix:
            url = f"{url}_{suffix}"
            asyncio.run(_ensure_postgres_database(url))
        asyncio.run(_reset_postgres(url))
    upgrade(url)
    return url


@pytest.fixture(scope="session", params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(dialect: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return fresh_database(dialect, tmp_path_factory.mktemp(dialect))


def test_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "access_log": True,  # to stdout, captured: the secrets check reads it
        "db_pool_size": 30,
        "db_max_overflow": 10,
        "rate_limit_per_minute": 0,  # the rate-limit tests build apps of their own
        "unauthenticated_rate_limit_per_minute": 0,  # so do the failed-key ones
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(test_settings(database_url))
    async with LifespanManager(application):
        yield application


# API keys outlive each test: the session's keys (below) must keep working.
_KEPT = frozenset({"api_keys"})


@pytest.fixture(scope="session")
async def admin_key(app: FastAPI) -> str:
    """An unlimited admin key, made once per database."""
    return await make_key(app, Role.admin)


async def make_key(
    app: FastAPI, role: Role, portfolio_ids: list[uuid.UUID] | None = None, **extra: Any
) -> str:
    async with app.state.db.write() as conn:
        key, _row = await insert_key(
            conn,
            principal=LOCAL_ADMIN,
            name=f"test {role}",
            role=role,
            portfolio_ids=portfolio_ids,
            **extra,
        )
    return key


# The built-in KPI definitions are part of the schema (migration 0004): kept, with their
# migrated values restored.
_BUILTIN_KPIS = "kpi_definitions"


async def empty_tables(app: FastAPI) -> None:
    db = app.state.db
    tables = [
        t.name
        for t in reversed(metadata.sorted_tables)
        if t.name not in _KEPT and t.name != _BUILTIN_KPIS
    ]
    async with db.write() as conn:
        if db.is_sqlite:
            for name in tables:
                await conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " CASCADE"))
        await conn.execute(text(f"DELETE FROM {_BUILTIN_KPIS} WHERE NOT computed"))
        await restore_builtin_kpis(conn)


async def restore_builtin_kpis(conn: Any) -> None:
    """Undo a test's changes to the built-in KPIs: their values as migration 0004 wrote them."""
    from pmo_api.kpis.builtin import BUILTINS

    for kpi in BUILTINS:
        await conn.execute(
            text(
                "UPDATE kpi_definitions SET name = :name, description = :description, "
                "unit = :unit, target = :target, amber_threshold = :amber, "
                "red_threshold = :red, version = 1 WHERE code = :code"
            ),
            {
                "name": kpi.name,
                "description": kpi.description,
                "unit": kpi.unit,
                "target": kpi.target,
                "amber": kpi.amber_threshold,
                "red": kpi.red_threshold,
                "code": kpi.code,
            },
        )


def http_client(app: FastAPI, key: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


@pytest.fixture
async def client(app: FastAPI, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real ASGI app over httpx, on empty tables, as an unlimited admin."""
    await empty_tables(app)
    async with http_client(app, admin_key) as http:
        yield http
