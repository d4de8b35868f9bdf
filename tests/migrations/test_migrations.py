"""One alembic history for both dialects: up, down and up again, and the models agree with it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from pmo_api.db.migrate import alembic_config, downgrade, migrations_dir, upgrade
from pmo_api.db.registry import metadata
from pmo_api.deletions.models import tombstones
from pmo_api.evm import aggregates
from tests.conftest import fresh_database, http_client, make_key
from tests.factories import make_project

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


class TestHistoryFiles:
    def test_files_list_in_revision_order(self) -> None:
        """Revision ids are 0001, 0002, ... (`alembic revision --rev-id`, see alembic.ini) and
        each file's name starts with its id, so that `ls migrations/versions` lists the history
        in order."""
        script = ScriptDirectory.from_config(alembic_config(""))
        history = list(reversed(list(script.walk_revisions())))  # base first
        ids = [revision.revision for revision in history]
        assert ids == [f"{n:04d}" for n in range(1, len(history) + 1)]
        names = sorted(path.name for path in (migrations_dir() / "versions").glob("*.py"))
        assert names == [Path(str(revision.path)).name for revision in history], names
        assert all(name.startswith(f"{id_}_") for name, id_ in zip(names, ids, strict=True))


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


class TestHealthFactsBackfill:
    """Revision 0005 keeps health's milestone and risk facts in project_finance: upgrading a
    database that has milestones and risks fills them in as the writes would have, including
    for a project that had no project_finance row yet."""

    def test_0005_fills_in_what_writes_keep(self, dialect: str, tmp_path: Path) -> None:
        url = fresh_database(dialect, tmp_path, suffix="backfill")
        today = datetime.now(UTC).date()

        async def write() -> list[tuple[Any, ...]]:
            app = create_app(harness.test_settings(url))
            async with LifespanManager(app):
                key = await make_key(app, Role.admin)
                async with http_client(app, key) as client:
                    first = (await make_project(client))["code"]
                    second = (await make_project(client))["code"]
                    for code, path, body in (
                        (first, "milestones", {"due_date": str(today - timedelta(days=3))}),
                        (first, "milestones", {"due_date": str(today), "is_gate": True}),
                        (first, "risks", {"probability": 4, "impact": 5}),
                        (first, "risks", {"probability": 4, "impact": 4, "status": "closed"}),
                        (second, "risks", {"probability": 4, "impact": 4}),
                        (second, "risks", {"probability": 2, "impact": 5}),
                    ):
                        response = await client.post(
                            f"/api/v1/projects/{code}/{path}",
                            json={"name" if path == "milestones" else "title": "x", **body},
                        )
                        assert response.status_code == 201, response.text
                return await _kept(app)

        async def read() -> list[tuple[Any, ...]]:
            app = create_app(harness.test_settings(url))
            async with LifespanManager(app):
                return await _kept(app)

        written = asyncio.run(write())
        assert written == [
            (today - timedelta(days=3), today, 1, 0),
            (None, None, 0, 2),
        ]
        downgrade(url, "0004")
        asyncio.run(_forget_second_project_finance(url))
        upgrade(url)
        assert asyncio.run(read()) == written


async def _kept(app: FastAPI) -> list[tuple[Any, ...]]:
    f = aggregates.project_finance
    columns = (f.c.first_open_due, f.c.first_open_gate_due)
    counts = (f.c.open_critical_risks, f.c.open_high_risks)
    async with app.state.db.read() as conn:
        stmt = (
            select(*columns, *counts)
            .join(aggregates.projects, aggregates.projects.c.id == f.c.project_id)
            .order_by(aggregates.projects.c.created_at)
        )
        return [tuple(row) for row in (await conn.execute(stmt)).all()]


async def _forget_second_project_finance(url: str) -> None:
    """Until 0005 only finance writes made a project's row: the second project (risks only)
    would have had none."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "DELETE FROM project_finance WHERE project_id = "
                "(SELECT id FROM projects ORDER BY created_at DESC LIMIT 1)"
            )
        )
    await engine.dispose()


class TestAuditObjectTypes:
    """Revision 0006: events recorded under the old, table-derived names are renamed to the
    REST resource names, and back on downgrade."""

    def test_0006_renames_the_three_table_derived_names(self, dialect: str, tmp_path: Path) -> None:
        url = fresh_database(dialect, tmp_path, suffix="audit_types")
        downgrade(url, "0005")
        old = ["cost_entrie", "progress_record", "kpi_definition", "project", "api_key"]
        asyncio.run(_insert_events(url, old))
        upgrade(url)
        assert asyncio.run(_object_types(url)) == ["cost", "progress", "kpi", "project", "api_key"]
        downgrade(url, "0005")
        assert asyncio.run(_object_types(url)) == old


async def _insert_events(url: str, object_types: list[str]) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for i, kind in enumerate(object_types):
            await conn.execute(
                text(
                    "INSERT INTO audit_events (id, occurred_at, actor_key_id, action, "
                    "object_type, object_id) VALUES (:id, :at, 'local', 'create', :kind, :oid)"
                ),
                {
                    "id": str(uuid.UUID(int=i + 1)) if "sqlite" in url else uuid.UUID(int=i + 1),
                    "at": datetime(2026, 1, 1, 0, 0, i, tzinfo=UTC),
                    "kind": kind,
                    "oid": str(uuid.UUID(int=100 + i))
                    if "sqlite" in url
                    else uuid.UUID(int=100 + i),
                },
            )
    await engine.dispose()


def _raw_uuid(url: str, n: int) -> object:
    """A UUID as the driver takes it in raw SQL (SQLite's column is text)."""
    value = uuid.UUID(int=n)
    return value.hex if url.startswith("sqlite") else value


async def _object_types(url: str) -> list[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT object_type FROM audit_events ORDER BY occurred_at"))
        found = [row[0] for row in rows]
    await engine.dispose()
    return found


class TestTombstoneProgramBackfill:
    """Revision 0022 records the programme in tombstones: upgrading fills in those written
    before it from their project's programme (a deleted project's stays unknown), and a
    programme's own from its id."""

    def test_0022_fills_in_the_programme(self, dialect: str, tmp_path: Path) -> None:
        url = fresh_database(dialect, tmp_path, suffix="tombstone_program")

        async def write() -> list[tuple[Any, ...]]:
            app = create_app(harness.test_settings(url))
            async with LifespanManager(app):
                key = await make_key(app, Role.admin)
                async with http_client(app, key) as client:
                    portfolio = (await make_project(client))["portfolio_id"]
                    programs = f"/api/v1/portfolios/{portfolio}/programs"
                    program = (await client.post(programs, json={"name": "P"})).json()["id"]
                    empty = (await client.post(programs, json={"name": "E"})).json()["id"]
                    code = (await make_project(client, portfolio, program_id=program))["code"]
                    doomed = (await make_project(client, portfolio, program_id=program))["code"]
                    milestone = await client.post(
                        f"/api/v1/projects/{code}/milestones",
                        json={"name": "m", "due_date": "2026-06-30"},
                    )
                    for path in (
                        f"/api/v1/milestones/{milestone.json()['id']}",
                        f"/api/v1/projects/{doomed}",
                        f"/api/v1/programs/{empty}",
                    ):
                        assert (await client.delete(path)).status_code == 204
                return await _tombstones(app)

        async def read() -> list[tuple[Any, ...]]:
            app = create_app(harness.test_settings(url))
            async with LifespanManager(app):
                return await _tombstones(app)

        written = asyncio.run(write())
        kinds = [(kind, program is not None) for kind, _, program in written]
        assert kinds == [("milestone", True), ("project", True), ("program", True)]
        downgrade(url, "0021")
        upgrade(url)
        # The deleted project's programme is unknown once forgotten; the others come back.
        milestone, project, program = written
        assert asyncio.run(read()) == [milestone, (*project[:2], None), program]


async def _tombstones(app: FastAPI) -> list[tuple[Any, ...]]:
    async with app.state.db.read() as conn:
        t = tombstones
        stmt = select(t.c.object_type, t.c.object_id, t.c.program_id).order_by(t.c.deleted_at)
        return [tuple(row) for row in (await conn.execute(stmt)).all()]
