"""REST endpoints for status reports."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings, IfMatch, resource_response
from pmo_api.core.routes import READ, WRITE, ResourceRoutes, listing_response
from pmo_api.reports import service
from pmo_api.reports.schemas import (
    ReportCreate,
    ReportListParams,
    ReportOut,
    ReportPage,
    ReportPatch,
)

router = APIRouter(tags=["status reports"])


@router.get(
    "/api/v1/projects/{project}/status-reports",
    operation_id="status-reports-list",
    response_model=ReportPage,
    responses=READ,
)
async def list_reports(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[ReportListParams, Query()],
) -> Response:
    """The project's status reports (default order: `period_end`)."""
    query = params.list_query()
    wanted = service.ReportFilter(
        project=project, states=tuple(params.state), updated_since=query.updated_since
    )
    async with db.read() as conn:
        listing = await service.list_reports(conn, caller, wanted, sort=query.sort)
    return await listing_response(request, db, listing, params, service.report_json)


report = ResourceRoutes(
    router, "/api/v1/status-reports/{report_id}", ReportOut, service.report_json
)
report.create(
    "/api/v1/projects/{project}/status-reports",
    service.create_report,
    ReportCreate,
    "Start a draft status report (editor). Honours `Idempotency-Key`.",
)
report.get(service.visible_report, "One status report. Honours `If-None-Match`.")
report.update(
    service.update_report,
    ReportPatch,
    """JSON Merge Patch of a draft (editor); a published report is immutable (409). Honours
    `If-Match`.""",
)
report.delete(
    service.delete_report,
    "Remove a draft (editor); a published report stays (409). Honours `If-Match`.",
)


@router.post(
    "/api/v1/status-reports/{report_id}/publish",
    operation_id="status-reports-publish",
    response_model=ReportOut,
    responses=WRITE,
)
async def publish_report(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    precondition: IfMatch,
    report_id: uuid.UUID,
) -> Response:
    """Publish a draft (editor): its `snapshot` freezes the project's earned value and KPI
    values as of `period_end`, and the report becomes immutable (publishing again is a 409).
    Honours `If-Match`."""
    async with db.write() as conn:
        row = await service.publish_report(
            conn,
            principal=caller,
            object_id=report_id,
            precondition=precondition,
            settings=settings,
        )
    return resource_response(request, service.report_json(row))
