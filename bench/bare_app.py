"""The yardstick: the least code that answers the benchmarked pmo-api routes with the same SQL
and the same JSON. Starlette routing, one asyncpg pool, orjson, nothing else (no middleware,
no dependency injection, no SQLAlchemy, no validation beyond what the answer needs).

Serve it exactly as pmo-api is served:
    BENCH_DSN=postgresql://postgres@127.0.0.1:5432/pmo_bench \\
    python -m uvicorn bare_app:app --app-dir bench --loop uvloop --http httptools ...
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/pmo_bench")
# pmo-api keeps PMO_DB_POOL_SIZE (default 10) connections; the bare app keeps as many.
POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "10"))
# pmo-api sets the same server setting on its connections (PMO_STATEMENT_TIMEOUT_MS).
STATEMENT_TIMEOUT_MS = os.environ.get("BENCH_STATEMENT_TIMEOUT_MS", "30000")

# The columns in pmo-api's JSON field order, so a row becomes the body as it is.
_COLUMNS = """
    projects.id, projects.code, projects.portfolio_id, projects.name, projects.description,
    projects.objectives, projects.scope, projects.deliverables, projects.constraints,
    projects.sponsor, projects.manager, projects.priority, projects.status, projects.start_date,
    projects.finish_date, projects.actual_start, projects.actual_finish, projects.budget,
    portfolios.currency, projects.ev_method, projects.tags, projects.created_at,
    projects.updated_at, projects.version
"""
_FROM = "FROM projects JOIN portfolios ON portfolios.id = projects.portfolio_id"
GET_SQL = f"SELECT {_COLUMNS} {_FROM} WHERE projects.id = $1::UUID"
LIST_SQL = f"SELECT {_COLUMNS} {_FROM} ORDER BY projects.created_at, projects.id LIMIT $1"

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    if isinstance(value, uuid.UUID):  # asyncpg's UUID subclass is not orjson's exact type
        return str(value)
    raise TypeError(type(value).__name__)


def _json(body: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    content = orjson.dumps(body, default=_default, option=_OPTIONS)
    return Response(content, status, headers, media_type="application/json")


def _body(record: asyncpg.Record) -> dict[str, Any]:
    body = dict(record.items())
    body["budget"] = body["budget"] / 100  # cents → currency units, as pmo-api shows money
    return body


def _cursor(body: dict[str, Any]) -> str:
    payload = {"s": "created_at,id", "v": [body["created_at"].isoformat(), str(body["id"])]}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(
            kind,
            schema="pg_catalog",
            encoder=lambda v: orjson.dumps(v).decode(),
            decoder=orjson.loads,
        )


async def get_project(request: Request) -> Response:
    try:
        project_id = uuid.UUID(request.path_params["project"])
    except ValueError:
        return _json({"title": "Not found", "status": 404}, status=404)
    async with request.app.state.pool.acquire() as conn:
        record = await conn.fetchrow(GET_SQL, project_id)
    if record is None:
        return _json({"title": "Not found", "status": 404}, status=404)
    body = _body(record)
    return _json(body, {"ETag": f'"{body["version"]}"'})


async def list_projects(request: Request) -> Response:
    try:
        limit = int(request.query_params.get("limit", "50"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 500:
        return _json({"title": "Invalid limit", "status": 422}, status=422)
    async with request.app.state.pool.acquire() as conn:
        records = await conn.fetch(LIST_SQL, limit + 1)
    data = [_body(r) for r in records[:limit]]
    next_cursor = _cursor(data[-1]) if len(records) > limit else None
    headers = {}
    if next_cursor is not None:
        next_url = request.url.include_query_params(cursor=next_cursor)
        headers["Link"] = f'<{next_url}>; rel="next"'
    return _json({"data": data, "next_cursor": next_cursor}, headers)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        DSN,
        min_size=POOL_SIZE,
        max_size=POOL_SIZE,
        init=_init_connection,
        server_settings={"statement_timeout": STATEMENT_TIMEOUT_MS},
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/projects", list_projects),
        Route("/api/v1/projects/{project}", get_project),
    ],
    lifespan=lifespan,
)
