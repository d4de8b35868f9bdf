"""REST endpoints for change requests: per project and across projects, and their
transitions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.change_requests import repository as repo
from pmo_api.change_requests import service
from pmo_api.change_requests.schemas import (
    ChangeRequestCreate,
    ChangeRequestFeedParams,
    ChangeRequestListParams,
    ChangeRequestOut,
    ChangeRequestPage,
    ChangeRequestPatch,
    TransitionIn,
)
from pmo_api.core.http import DB, IfMatch, resource_response
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import WRITE, CsvFile, ResourceRoutes

router = APIRouter(tags=["change-requests"])

CHANGE_REQUESTS_CSV = CsvFile(repo.FIELDS, "change-requests.csv")

change_lists = ListRoutes(
    router,
    ChangeRequestPage,
    service.list_change_requests,
    service.change_request_json,
    CHANGE_REQUESTS_CSV,
)


@change_lists.route("/api/v1/change-requests", "change-requests-list")
def list_change_requests(params: ChangeRequestFeedParams) -> service.ChangeRequestFilter:
    """Change requests across the projects the caller may see. Filter by `portfolio_id`,
    `project` (id or code), `state`, `category`, `priority`, `q`, `updated_since`; CSV streams
    every matching row."""
    return service.ChangeRequestFilter.of(params)


@change_lists.route("/api/v1/projects/{project}/change-requests", "project-change-requests-list")
def list_project_change_requests(
    params: ChangeRequestListParams, project: str
) -> service.ChangeRequestFilter:
    """The project's change requests; CSV on request."""
    return service.ChangeRequestFilter.of(params, project=project)


change_request = ResourceRoutes(
    router,
    "/api/v1/change-requests/{change_request_id}",
    ChangeRequestOut,
    service.change_request_json,
)
change_request.create(
    "/api/v1/projects/{project}/change-requests",
    service.create_change_request,
    ChangeRequestCreate,
    """Raise a change request (editor), as a `draft`; the affected milestones must be the
    project's (422). Honours `Idempotency-Key`.""",
)
change_request.get(service.visible_change_request, "One change request. Honours `If-None-Match`.")
change_request.update(
    service.update_change_request,
    ChangeRequestPatch,
    """JSON Merge Patch of a draft (editor); any other state is a 409 (its state changes through
    its transitions). Honours `If-Match`.""",
)
change_request.delete(
    service.delete_change_request,
    """Remove a change request (editor); an approved or implemented one is kept (409). Honours
    `If-Match`.""",
)


@router.post(
    "/api/v1/change-requests/{change_request_id}/transitions",
    operation_id="change-requests-transition",
    response_model=ChangeRequestOut,
    responses=WRITE,
)
async def transition_change_request(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    change_request_id: uuid.UUID,
    body: TransitionIn,
) -> Response:
    """Move a change request to its next state (editor): `draft` → `submitted` or
    `withdrawn`; `submitted` → `approved`, `rejected` or `withdrawn`; `approved` →
    `implemented`. Any other is a 409. Approving, in one transaction: with `rebaseline` and a
    cost impact, a new budget baseline whose total differs from the current one by exactly
    `cost_delta` (the change lands on the line of `budget_period`, default this month, and
    `budget_category`, default `change_requests`) and which carries the request's id; with a
    schedule impact, the affected milestones' forecasts (else due dates) move by
    `schedule_delta_days`; and an entry in the project's decision log (source
    `change_request`, read-only). A failure of any step leaves nothing. Honours `If-Match`."""
    async with db.write() as conn:
        row = await service.transition_change_request(
            conn,
            principal=caller,
            object_id=change_request_id,
            data=body,
            precondition=precondition,
        )
    return resource_response(request, service.change_request_json(row))
