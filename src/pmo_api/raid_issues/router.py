"""REST endpoints for the issue log."""

from __future__ import annotations

import uuid
from functools import partial

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import WRITE, CsvFile, ResourceRoutes
from pmo_api.core.writes import posted
from pmo_api.raid_issues import repository as repo
from pmo_api.raid_issues import service
from pmo_api.raid_issues.schemas import (
    IssueCreate,
    IssueFeedParams,
    IssueListParams,
    IssueOut,
    IssuePage,
    IssuePatch,
    RaiseChangeBody,
)

router = APIRouter(tags=["issues"])

ISSUES_CSV = CsvFile(repo.FIELDS, "issues.csv")

issue_lists = ListRoutes(router, IssuePage, service.list_issues, service.issue_json, ISSUES_CSV)


@issue_lists.route("/api/v1/issues", "issues-list")
def list_issues(params: IssueFeedParams) -> service.IssueFilter:
    """Issues (the I of RAID) across the projects the caller may see. Filter by
    `portfolio_id`, `program_id`, `project` (id or code), `status`, `priority`, `category`,
    `owner`, `q`, `updated_since`; CSV streams every matching row."""
    return service.IssueFilter.of(params)


@issue_lists.route("/api/v1/projects/{project}/issues", "project-issues-list")
def list_project_issues(params: IssueListParams, project: str) -> service.IssueFilter:
    """The project's issue log; CSV on request."""
    return service.IssueFilter.of(params, project=project)


issue = ResourceRoutes(router, "/api/v1/issues/{issue_id}", IssueOut, service.issue_json)
issue.create(
    "/api/v1/projects/{project}/issues",
    service.create_issue,
    IssueCreate,
    """Log an issue (editor), raised from a risk that occurred when `risk_id` is given (the
    risk records the link). Honours `Idempotency-Key`.""",
)
issue.get(service.visible_issue, "One issue. Honours `If-None-Match`.")
issue.update(
    service.update_issue, IssuePatch, "JSON Merge Patch of an issue (editor). Honours `If-Match`."
)
issue.delete(service.delete_issue, "Remove an issue (editor). Honours `If-Match`.")


@router.post(
    "/api/v1/issues/{issue_id}/change-request",
    operation_id="issues-change-request",
    status_code=201,
    response_model=IssueOut,
    responses=WRITE,
)
async def raise_change_request(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    issue_id: uuid.UUID,
    body: RaiseChangeBody,
) -> Response:
    """The issue raises a draft change request in its project (editor), linked from the issue
    (`change_request_id`), in one transaction; the body is a change request's, its `title`,
    `justification`, `priority` and `requested_by` defaulting to the issue's title,
    description, priority and owner. 409 when the issue has already raised one. Answers the
    issue. Honours `Idempotency-Key`."""
    return await posted(
        request,
        db,
        settings,
        partial(service.raise_change_request, issue_id=issue_id),
        service.issue_json,
        principal=caller,
        data=body,
        location="/api/v1/issues/{id}",
    )
