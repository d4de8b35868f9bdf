"""The yardstick: the least code that answers the benchmarked pmo-api routes with the same bytes
from the same database. Starlette routing, one asyncpg pool, orjson, nothing else (no
middleware, no dependency injection, no SQLAlchemy, no validation beyond what the answer needs,
no maintained aggregates): each project's health is computed from the raw rows, by the plain SQL
a developer would write and the thresholds of CONTRACT §5 in a few lines of Python.

Serve it exactly as pmo-api is served:
    BENCH_DSN=postgresql://postgres@127.0.0.1:5432/pmo_bench \\
    python -m uvicorn bare_app:app --app-dir bench --loop uvloop --http httptools ...
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from fractions import Fraction
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

# The columns in pmo-api's JSON field order, so a row becomes the body as it is; `health` is
# filled in from the columns that follow (HEALTH_SQL).
COLUMNS = """
    projects.id, projects.code, projects.portfolio_id, projects.name, projects.description,
    projects.objectives, projects.scope, projects.deliverables, projects.constraints,
    projects.sponsor, projects.manager, projects.priority, projects.status, NULL AS health,
    NULL AS health_reason,
    projects.start_date, projects.finish_date, projects.actual_start, projects.actual_finish,
    projects.budget, portfolios.currency, projects.ev_method, projects.tags, projects.created_at,
    projects.updated_at, projects.version
"""
_FIELD_COUNT = COLUMNS.count(",") + 1  # the body's fields: the columns before the health inputs
FROM_PROJECTS = "FROM projects JOIN portfolios ON portfolios.id = projects.portfolio_id"
# The projects of the answer ($1 is today), each with what its health (CONTRACT §5) needs as of
# today, from the raw rows: the current baseline's lines before and in today's month, the
# milestone weights completed and in all, the latest progress, the costs incurred, and whether an
# overdue gate, an overdue milestone, an open critical or an open high risk exists. (The page is
# a CTE so that the planner knows it holds at most 101 projects and probes the indexes per
# project: written as one flat SELECT ... LIMIT, it hashed whole tables for the EXISTS, ~75 ms.)
HEALTH_SQL = """
WITH page AS ({page})
SELECT page.*,
       lines.n, lines.before, lines.in_month, weights.done, weights.total,
       (SELECT percent_hundredths FROM progress_records
        WHERE project_id = page.id AND as_of <= $1 ORDER BY as_of DESC LIMIT 1) AS percent,
       (SELECT SUM(amount)::bigint FROM cost_entries
        WHERE project_id = page.id AND incurred_on <= $1) AS ac,
       EXISTS (SELECT FROM milestones WHERE project_id = page.id
               AND completed_on IS NULL AND due_date < $1 AND is_gate) AS overdue_gate,
       EXISTS (SELECT FROM milestones WHERE project_id = page.id
               AND completed_on IS NULL AND due_date < $1) AS overdue_milestone,
       EXISTS (SELECT FROM risks WHERE project_id = page.id
               AND status IN ('open', 'mitigating') AND score >= 20) AS open_critical_risk,
       EXISTS (SELECT FROM risks WHERE project_id = page.id
               AND status IN ('open', 'mitigating') AND score BETWEEN 10 AND 16) AS open_high_risk
FROM page
LEFT JOIN project_finance ON project_finance.project_id = page.id
LEFT JOIN LATERAL (
    SELECT count(*) AS n,
           SUM(amount) FILTER (WHERE period < date_trunc('month', $1::date)::date)::bigint
               AS before,
           SUM(amount) FILTER (WHERE period = date_trunc('month', $1::date)::date)::bigint
               AS in_month
    FROM budget_lines
    WHERE project_id = page.id AND baseline = project_finance.baseline
) lines ON true
LEFT JOIN LATERAL (
    SELECT SUM(weight_milli) FILTER (WHERE completed_on <= $1)::bigint AS done,
           SUM(weight_milli)::bigint AS total
    FROM milestones
    WHERE project_id = page.id
) weights ON true
ORDER BY page.created_at, page.id
"""
GET_SQL = HEALTH_SQL.format(page=f"SELECT {COLUMNS} {FROM_PROJECTS} WHERE projects.id = $2::UUID")
LIST_SQL = HEALTH_SQL.format(
    page=f"SELECT {COLUMNS} {FROM_PROJECTS} ORDER BY projects.created_at, projects.id LIMIT $2"
)

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    if isinstance(value, uuid.UUID):  # asyncpg's UUID subclass is not orjson's exact type
        return str(value)
    raise TypeError(type(value).__name__)


def _json(body: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    content = orjson.dumps(body, default=_default, option=_OPTIONS)
    return Response(content, status, headers, media_type="application/json")


def _rag(index: Fraction | None) -> str | None:
    """CPI or SPI as the API shows it (4 decimals, half to even) against the default
    thresholds; an undefined index does not count."""
    if index is None:
        return None
    shown = round(index * 10_000) / 10_000
    return "green" if shown >= 0.95 else "amber" if shown >= 0.85 else "red"


def health(p: asyncpg.Record, today: date) -> str:
    """CONTRACT §5: the worst of cost (CPI), schedule (SPI), milestones and risks."""
    bac = p["budget"]
    if p["n"]:  # PV: the baseline's months before today's whole, today's month by its days
        days = calendar.monthrange(today.year, today.month)[1]
        pv = (p["before"] or 0) + Fraction((p["in_month"] or 0) * today.day, days)
    elif p["start_date"] and p["finish_date"] and p["finish_date"] >= p["start_date"]:
        duration = (p["finish_date"] - p["start_date"]).days + 1  # BAC spread evenly
        pv = Fraction(bac * max(0, min((today - p["start_date"]).days + 1, duration)), duration)
    else:
        pv = Fraction(0)
    if p["ev_method"] == "percent_complete":
        ev = Fraction(bac * (p["percent"] or 0), 10_000)
    else:
        ev = Fraction(bac * (p["done"] or 0), p["total"]) if p["total"] else Fraction(0)
    ac = p["ac"] or 0
    rules = [
        _rag(ev / ac if ac else None),
        _rag(ev / pv if pv else None),
        "red" if p["overdue_gate"] else "amber" if p["overdue_milestone"] else "green",
        "red" if p["open_critical_risk"] else "amber" if p["open_high_risk"] else "green",
    ]
    return next(s for s in ("red", "amber", "green") if s in rules)


# Health judges only projects in flight; the others say why it is null.
_NOT_JUDGED = {
    "proposed": "not started",
    "approved": "not started",
    "completed": "closed",
    "cancelled": "closed",
}


def _body(record: asyncpg.Record, today: date) -> dict[str, Any]:
    body = dict(list(record.items())[:_FIELD_COUNT])
    body["health_reason"] = _NOT_JUDGED.get(body["status"])
    body["health"] = None if body["health_reason"] else health(record, today)
    body["budget"] = body["budget"] / 100  # cents → currency units, as pmo-api shows money
    return body


def _cursor(body: dict[str, Any]) -> str:
    payload = {"s": "created_at,id", "v": [body["created_at"].isoformat(), str(body["id"])]}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


async def _init_connection(conn: asyncpg.Connection) -> None:
    # The jsonb lists as PostgreSQL prints them, embedded in the answer as they are (no decoding
    # and encoding again): the bytes pmo-api sends, which embeds the same text.
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda v: orjson.dumps(v).decode(),
        decoder=orjson.Fragment,
    )


async def get_project(request: Request) -> Response:
    try:
        project_id = uuid.UUID(request.path_params["project"])
    except ValueError:
        return _json({"title": "Not found", "status": 404}, status=404)
    today = datetime.now(UTC).date()
    async with request.app.state.pool.acquire() as conn:
        record = await conn.fetchrow(GET_SQL, today, project_id)
    if record is None:
        return _json({"title": "Not found", "status": 404}, status=404)
    body = _body(record, today)
    # The ETag names the version and a digest of the representation, as pmo-api's does.
    content = orjson.dumps(body, default=_default, option=_OPTIONS)
    digest = hashlib.blake2b(content, digest_size=8).hexdigest()
    headers = {"ETag": f'"{body["version"]}-{digest}"'}
    return Response(content, 200, headers, media_type="application/json")


async def list_projects(request: Request) -> Response:
    try:
        limit = int(request.query_params.get("limit", "50"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 500:
        return _json({"title": "Invalid limit", "status": 422}, status=422)
    today = datetime.now(UTC).date()
    async with request.app.state.pool.acquire() as conn:
        records = await conn.fetch(LIST_SQL, today, limit + 1)
    data = [_body(r, today) for r in records[:limit]]
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
