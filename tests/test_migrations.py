"""One alembic history for both dialects: up, down and up again, and the models agree with it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from pmo_api.db.migrate import downgrade, upgrade
from pmo_api.db.registry import metadata
from tests.conftest import fresh_database

TABLES = {"portfolios", "objectives", "projects", "idempotency_records", "api_keys", "audit_events"}


def _inspect(url: str) -> tuple[set[str], list[object]]:
    def work(conn: Connection) -> tuple[set[str], list[object]]:
        tables = set(inspect(conn).get_table_names())
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        return tables, diff

    async def run() -> tuple[set[str], list[object]]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            result = await conn.run_sync(work)
        await engine.dispose()
        return result

    return asyncio.run(run())


class TestMigrations:
    def test_up_down_up(self, dialect: str, tmp_path: Path) -> None:
        url = fresh_database(dialect, tmp_path, suffix="migrations")  # upgraded to head
        tables, diff = _inspect(url)
        assert tables >= TABLES
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(url, "base")
        tables, _ = _inspect(url)
        assert not (TABLES & tables)
        upgrade(url)
        tables, diff = _inspect(url)
        assert tables >= TABLES and diff == []
