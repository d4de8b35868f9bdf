"""Operations: liveness, readiness, metrics, request ids, offline docs, no stack traces."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from pmo_api.core.collector import GEN0_THRESHOLD
from pmo_api.db.migrate import head_revision
from tests.factories import make_project

HEAD = head_revision()


class TestHealth:
    async def test_healthz_answers_ok(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    async def test_readyz_reports_the_migration_head(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["migration"] == HEAD

    async def test_readyz_is_503_when_schema_is_behind(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        async with app.state.db.write() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
        try:
            response = await client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["expected"] == HEAD
        finally:
            async with app.state.db.write() as conn:
                await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": HEAD})


class TestMetrics:
    async def test_requests_are_counted_by_route_template(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        await client.get(f"/api/v1/projects/{project['id']}")
        body = (await client.get("/metrics")).text
        assert 'route="/api/v1/projects/{project}"' in body
        assert project["id"] not in body
        assert "pmo_http_request_duration_seconds_bucket" in body


class TestRequestId:
    async def test_a_request_id_is_made_and_returned(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert len(response.headers["x-request-id"]) == 32

    async def test_the_server_chooses_the_request_id(self, client: httpx.AsyncClient) -> None:
        """The client's id is a correlation id (logged, audited apart), never ours."""
        response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert response.headers["x-request-id"] != "abc-123"
        assert len(response.headers["x-request-id"]) == 32

    async def test_an_unsafe_incoming_request_id_is_replaced(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith tab"})
        assert response.headers["x-request-id"] != "bad id\twith tab"


class TestDocs:
    async def test_docs_use_assets_served_by_pmo_api(self, client: httpx.AsyncClient) -> None:
        page = (await client.get("/docs")).text
        assert "/docs/assets/swagger-ui-bundle.js" in page
        assert "cdn" not in page.lower()
        asset = await client.get("/docs/assets/swagger-ui-bundle.js")
        assert asset.status_code == 200
        assert len(asset.content) > 100_000

    async def test_openapi_is_3_1(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        assert spec["openapi"].startswith("3.1")
        operation_ids = {
            op["operationId"] for path in spec["paths"].values() for op in path.values()
        }
        assert {"projects-list", "projects-create", "projects-get", "projects-update"} <= (
            operation_ids
        )


class TestServerProcess:
    def test_the_server_entry_point_tunes_the_cycle_collector(self, tmp_path: Path) -> None:
        """`pmo_api.main` (what uvicorn serves) freezes its startup objects out of the cycle
        collector and raises the first threshold (core/collector.py); importing the app
        factory alone, as the tests do, changes nothing."""
        probe = (
            "import gc, sys\n"
            "before = gc.get_threshold()[0]\n"
            "import pmo_api.app\n"
            "assert gc.get_threshold()[0] == before and gc.get_freeze_count() == 0\n"
            "import pmo_api.main\n"
            "print(gc.get_threshold()[0], gc.get_freeze_count() > 10_000)\n"
        )
        env = {**os.environ, "PMO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
        done = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [str(GEN0_THRESHOLD), "True"]


def test_serve_help_shows_each_options_default_and_its_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pmo_api.cli import main

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "PMO_HOST when set, else 127.0.0.1" in shown
    assert "PMO_PORT when set, else 8000" in shown
    assert "PMO_WORKERS" in shown
