"""REST endpoints for dependencies between milestones."""

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
from pmo_api.dependencies import service
from pmo_api.dependencies.schemas import (
    DependencyCreate,
    DependencyFeedParams,
    DependencyOut,
    DependencyPage,
    DependencyPatch,
    MilestoneDependencyCreate,
    MilestoneDependencyParams,
)

router = APIRouter(tags=["dependencies"])

DEPENDENCIES_CSV = CsvFile(
    (
        "id",
        "predecessor",
        "successor",
        "type",
        "lag_days",
        "hard",
        "note",
        "at_risk",
        "pushed_to",
        "slip_days",
        "chain",
        "created_at",
        "updated_at",
        "version",
    ),
    "dependencies.csv",
)

lists = ListRoutes(
    router, DependencyPage, service.list_dependencies, service.dependency_json, DEPENDENCIES_CSV
)


@lists.route("/api/v1/dependencies", "dependencies-list")
def list_dependencies(params: DependencyFeedParams) -> service.DependencyFilter:
    """Dependencies between milestones across the projects the caller may see (either end). An
    end the caller may not see is `{"hidden": true}`. Filter by `portfolio_id`, `program_id`
    and `project` (either visible end), `type`, `at_risk` (the successor is pushed past its
    planned date through it: docs/formulas.md), `hard`, `q` (in the note), `updated_since`;
    CSV streams every matching row."""
    return service.DependencyFilter.of(params)


@lists.route("/api/v1/milestones/{milestone_id}/dependencies", "milestone-dependencies-list")
def list_milestone_dependencies(
    params: MilestoneDependencyParams, milestone_id: uuid.UUID
) -> service.DependencyFilter:
    """The dependencies in (`direction=in`: its predecessors) and out (`out`: its successors)
    of a milestone; CSV on request."""
    return service.DependencyFilter.of(params, milestone_id=milestone_id)


dependency = ResourceRoutes(
    router, "/api/v1/dependencies/{dependency_id}", DependencyOut, service.dependency_json
)
dependency.create(
    "/api/v1/dependencies",
    service.create_dependency,
    DependencyCreate,
    """Add a dependency between two milestones the caller may see (editor), in one project or
    across projects. A dependency that would close a loop is a 409 naming the loop's
    milestones in order. Honours `Idempotency-Key`.""",
)
dependency.get(service.visible_dependency, "One dependency. Honours `If-None-Match`.")
dependency.update(
    service.update_dependency,
    DependencyPatch,
    """JSON Merge Patch of a dependency's type, lag, hardness or note (editor, seeing both
    ends). Honours `If-Match`.""",
)
dependency.delete(
    service.delete_dependency,
    "Remove a dependency (editor, seeing both ends). Honours `If-Match`.",
)


@router.post(
    "/api/v1/milestones/{milestone_id}/dependencies",
    operation_id="milestone-dependencies-create",
    status_code=201,
    response_model=DependencyOut,
    responses=WRITE,
)
async def create_milestone_dependency(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    milestone_id: uuid.UUID,
    body: MilestoneDependencyCreate,
) -> Response:
    """Add a dependency of this milestone (editor): the body names the other end as
    `predecessor_id` or `successor_id`. Honours `Idempotency-Key`."""
    return await posted(
        request,
        db,
        settings,
        partial(service.create_milestone_dependency, milestone_id=milestone_id),
        service.dependency_json,
        principal=caller,
        data=body,
        location="/api/v1/dependencies/{id}",
    )
