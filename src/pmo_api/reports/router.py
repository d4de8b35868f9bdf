"""REST endpoints for status reports."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings, IfMatch, resource_response
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import WRITE, CsvFile, ResourceRoutes
from pmo_api.reports import service
from pmo_api.reports.schemas import (
    ReportCreate,
    ReportFeedParams,
    ReportListParams,
    ReportOut,
    ReportPage,
    ReportPatch,
)

router = APIRouter(tags=["status reports"])


# `snapshot` (an object) is one cell of JSON text, so the CSV keeps it whole.
REPORTS_CSV = CsvFile(service.API_FIELDS, "status-reports.csv")

report_lists = ListRoutes(
    router, ReportPage, service.list_reports, service.report_json, REPORTS_CSV
)


@report_lists.route("/api/v1/status-reports", "status-reports-feed")
def list_all_reports(params: ReportFeedParams) -> service.ReportFilter:
    """Status reports across the projects the caller may see: the BI feed (default order:
    `period_end`). Filter by `portfolio_id`, `project` (id or code), `state` (`published` for
    what was reported), `updated_since`; CSV streams every matching row."""
    return service.ReportFilter.of(params)


@report_lists.route("/api/v1/projects/{project}/status-reports", "status-reports-list")
def list_reports(params: ReportListParams, project: str) -> service.ReportFilter:
    """The project's status reports (default order: `period_end`); CSV on request."""
    return service.ReportFilter.of(params, project=project)


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
