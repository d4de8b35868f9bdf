"""REST endpoints for the assumption log."""

from __future__ import annotations

import uuid
from functools import partial

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.assumptions import repository as repo
from pmo_api.assumptions import service
from pmo_api.assumptions.schemas import (
    AssumptionCreate,
    AssumptionFeedParams,
    AssumptionListParams,
    AssumptionOut,
    AssumptionPage,
    AssumptionPatch,
    RaiseBody,
)
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import WRITE, CsvFile, ResourceRoutes
from pmo_api.core.writes import posted

router = APIRouter(tags=["assumptions"])

ASSUMPTIONS_CSV = CsvFile(repo.FIELDS, "assumptions.csv")

lists = ListRoutes(
    router, AssumptionPage, service.list_assumptions, service.assumption_json, ASSUMPTIONS_CSV
)


@lists.route("/api/v1/assumptions", "assumptions-list")
def list_assumptions(params: AssumptionFeedParams) -> service.AssumptionFilter:
    """Assumptions (the A of RAID) across the projects the caller may see. Filter by
    `portfolio_id`, `program_id`, `project`, `status`, `confidence`, `owner`, `q`,
    `updated_since`; CSV on request."""
    return service.AssumptionFilter.of(params)


@lists.route("/api/v1/projects/{project}/assumptions", "project-assumptions-list")
def list_project_assumptions(
    params: AssumptionListParams, project: str
) -> service.AssumptionFilter:
    """The project's assumption log; CSV on request."""
    return service.AssumptionFilter.of(params, project=project)


assumption = ResourceRoutes(
    router, "/api/v1/assumptions/{assumption_id}", AssumptionOut, service.assumption_json
)
assumption.create(
    "/api/v1/projects/{project}/assumptions",
    service.create_assumption,
    AssumptionCreate,
    "Log an assumption (editor). Honours `Idempotency-Key`.",
)
assumption.get(service.visible_assumption, "One assumption. Honours `If-None-Match`.")
assumption.update(
    service.update_assumption,
    AssumptionPatch,
    "JSON Merge Patch of an assumption (editor). Honours `If-Match`.",
)
assumption.delete(service.delete_assumption, "Remove an assumption (editor). Honours `If-Match`.")


@router.post(
    "/api/v1/assumptions/{assumption_id}/raise",
    operation_id="assumptions-raise",
    status_code=201,
    response_model=AssumptionOut,
    responses=WRITE,
)
async def raise_from_assumption(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    assumption_id: uuid.UUID,
    body: RaiseBody,
) -> Response:
    """An invalid assumption raises a risk or an issue (`kind`), linked to it (`risk_id` or
    `issue_id`), in one transaction (editor); 409 when the assumption is not invalid or has
    already raised one of that kind. Answers the assumption. Honours `Idempotency-Key`."""
    return await posted(
        request,
        db,
        settings,
        partial(service.raise_from, assumption_id=assumption_id),
        service.assumption_json,
        principal=caller,
        data=body,
        location="/api/v1/assumptions/{id}",
    )
