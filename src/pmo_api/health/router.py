"""REST endpoint for health (CONTRACT §5): a project's health, explained rule by rule."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import read_route
from pmo_api.health import service
from pmo_api.health.rules import Thresholds
from pmo_api.health.schemas import HealthOut
from pmo_api.projects.service import visible_project

router = APIRouter(tags=["projects"])


@read_route(router, "/api/v1/projects/{project}/health", "projects-health", HealthOut)
async def project_health(caller: Caller, db: DB, settings: AppSettings, project: str) -> Response:
    """The project's `health` as of today and why: each rule (cost by CPI, schedule by SPI,
    overdue milestones, open risks) with its status, the value it looked at and a sentence,
    and `decided_by`, the rules whose status is the health. CPI and SPI are compared as
    shown, rounded to 4 decimals, with the thresholds of the `PMO_HEALTH_*` settings; an
    undefined index does not count."""
    async with db.read() as conn:
        row = await visible_project(conn, caller, project)
        body = await service.project_health(conn, row, thresholds=Thresholds.of(settings))
    return JSONResponse(body)
