"""Liveness, readiness and metrics: open to all callers, as load balancers and Prometheus need."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.core.http import DB
from pmo_api.core.responses import JSONResponse

router = APIRouter(tags=["operations"])


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    migration: str | None = None
    expected: str | None = Field(
        default=None,
        description="The migration this code expects, when the database is at another.",
    )


@router.get("/healthz", operation_id="ops-healthz", response_model=Liveness)
async def healthz() -> Response:
    """The process is up."""
    return JSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    operation_id="ops-readyz",
    response_model=Readiness,
    responses={503: {"description": "Not ready", "model": Readiness}},
)
async def readyz(request: Request, db: DB) -> Response:
    """The database answers and its schema is at the migration head this code expects."""
    expected = request.app.state.migration_head
    try:
        async with db.read() as conn:
            current = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if current != expected:
        return JSONResponse(
            {"status": "unavailable", "database": "ok", "migration": current, "expected": expected},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "migration": current})


@router.get("/metrics", operation_id="ops-metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus text exposition: request counts and latencies by route."""
    body = request.app.state.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
