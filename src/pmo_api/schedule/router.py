"""REST endpoints for milestones and progress (docs/reference.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.clock import today
from pmo_api.core.collection import list_response
from pmo_api.core.http import (
    CSV_OK,
    DB,
    READ_ERRORS,
    WRITE_ERRORS,
    AppSettings,
    IfMatch,
    created,
    problems,
    resource_response,
)
from pmo_api.core.listing import ListParams
from pmo_api.core.writes import patched, removed
from pmo_api.projects.service import visible_project
from pmo_api.schedule import repository as repo
from pmo_api.schedule import service
from pmo_api.schedule.models import milestones, progress_records
from pmo_api.schedule.schemas import (
    MilestoneCreate,
    MilestoneListParams,
    MilestoneOut,
    MilestonePage,
    MilestonePatch,
    ProgressCreate,
    ProgressOut,
    ProgressPage,
    ProgressPatch,
)

router = APIRouter(tags=["schedule and money"])

PROJECTS = "/api/v1/projects/{project}"


# --- milestones ---------------------------------------------------------------------------------

MILESTONE_CSV = tuple(MilestoneOut.model_fields)


@router.get(
    f"{PROJECTS}/milestones",
    operation_id="milestones-list",
    response_model=MilestonePage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_milestones(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[MilestoneListParams, Query()],
) -> Response:
    """The project's milestones (default order: `due_date`). `status` is derived: `completed`,
    `overdue` (not completed and due before today) or `upcoming`. CSV on request."""
    t = today()
    query = params.list_query()
    async with db.read() as conn:
        owner = await visible_project(conn, caller, project)
    stmt = repo.milestones_of(caller, t).where(milestones.c.project_id == owner["id"])
    stmt = repo.filter_milestones(stmt, query, t, status=params.status, is_gate=params.is_gate)
    sort = repo.milestone_sort(query)
    return await list_response(
        request,
        db,
        stmt,
        sort,
        params,
        service.milestone_json,
        csv_columns=MILESTONE_CSV,
        filename="milestones.csv",
    )


@router.post(
    f"{PROJECTS}/milestones",
    status_code=201,
    operation_id="milestones-create",
    response_model=MilestoneOut,
    responses=problems(*WRITE_ERRORS),
)
async def create_milestone(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    body: MilestoneCreate,
) -> Response:
    """Add a milestone (editor). Honours `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.create_milestone(conn, principal=caller, ref=project, data=body)
        return service.milestone_json(row)

    return await created(request, db, settings, caller, create, "/api/v1/milestones/{id}")


@router.get(
    "/api/v1/milestones/{milestone_id}",
    operation_id="milestones-get",
    response_model=MilestoneOut,
    responses=problems(304, *READ_ERRORS),
)
async def get_milestone(
    request: Request, caller: Caller, db: DB, milestone_id: uuid.UUID
) -> Response:
    """One milestone. Honours `If-None-Match`."""
    async with db.read() as conn:
        row = await service.visible_milestone(conn, caller, milestone_id)
    return resource_response(request, service.milestone_json(row))


@router.patch(
    "/api/v1/milestones/{milestone_id}",
    operation_id="milestones-update",
    response_model=MilestoneOut,
    responses=problems(*WRITE_ERRORS),
)
async def update_milestone(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    milestone_id: uuid.UUID,
    body: MilestonePatch,
) -> Response:
    """JSON Merge Patch of a milestone (editor); set `completed_on` to complete it. Honours
    `If-Match`."""
    return await patched(
        request,
        db,
        service.update_milestone,
        service.milestone_json,
        principal=caller,
        object_id=milestone_id,
        patch=body,
        precondition=precondition,
    )


@router.delete(
    "/api/v1/milestones/{milestone_id}",
    status_code=204,
    operation_id="milestones-delete",
    responses=problems(*WRITE_ERRORS),
)
async def delete_milestone(
    caller: Caller, db: DB, precondition: IfMatch, milestone_id: uuid.UUID
) -> Response:
    """Remove a milestone (editor). Honours `If-Match`."""
    return await removed(
        db,
        service.delete_milestone,
        principal=caller,
        object_id=milestone_id,
        precondition=precondition,
    )


PROGRESS_CSV = tuple(ProgressOut.model_fields)


# --- progress -----------------------------------------------------------------------------------


@router.get(
    f"{PROJECTS}/progress",
    operation_id="progress-list",
    response_model=ProgressPage,
    responses=problems(*READ_ERRORS),
)
async def list_progress(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[ListParams, Query()],
) -> Response:
    """The project's progress records (default order: `as_of`). With `ev_method`
    `percent_complete`, EV as of t uses the latest record with `as_of` ≤ t."""
    query = params.list_query()
    async with db.read() as conn:
        owner = await visible_project(conn, caller, project)
    stmt = repo.progress_of(owner["id"])
    if query.updated_since:
        stmt = stmt.where(progress_records.c.updated_at >= query.updated_since)
    return await list_response(
        request, db, stmt, repo.progress_sort(query), params, service.progress_json
    )


@router.post(
    f"{PROJECTS}/progress",
    status_code=201,
    operation_id="progress-create",
    response_model=ProgressOut,
    responses=problems(*WRITE_ERRORS),
)
async def create_progress(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    body: ProgressCreate,
) -> Response:
    """Record progress as of a date (editor); one record per date (409 for a second).
    Honours `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.create_progress(conn, principal=caller, ref=project, data=body)
        return service.progress_json(row)

    return await created(request, db, settings, caller, create, "/api/v1/progress/{id}")


@router.get(
    "/api/v1/progress/{progress_id}",
    operation_id="progress-get",
    response_model=ProgressOut,
    responses=problems(304, *READ_ERRORS),
)
async def get_progress(
    request: Request, caller: Caller, db: DB, progress_id: uuid.UUID
) -> Response:
    """One progress record. Honours `If-None-Match`."""
    async with db.read() as conn:
        row = await service.visible_progress(conn, caller, progress_id)
    return resource_response(request, service.progress_json(row))


@router.patch(
    "/api/v1/progress/{progress_id}",
    operation_id="progress-update",
    response_model=ProgressOut,
    responses=problems(*WRITE_ERRORS),
)
async def update_progress(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    progress_id: uuid.UUID,
    body: ProgressPatch,
) -> Response:
    """JSON Merge Patch of a progress record (editor). Honours `If-Match`."""
    async with db.write() as conn:
        row = await service.update_progress(
            conn,
            principal=caller,
            progress_id=progress_id,
            patch=body,
            precondition=precondition,
        )
    return resource_response(request, service.progress_json(row))


@router.delete(
    "/api/v1/progress/{progress_id}",
    status_code=204,
    operation_id="progress-delete",
    responses=problems(*WRITE_ERRORS),
)
async def delete_progress(
    caller: Caller, db: DB, precondition: IfMatch, progress_id: uuid.UUID
) -> Response:
    """Remove a progress record (editor). Honours `If-Match`."""
    async with db.write() as conn:
        await service.delete_progress(
            conn, principal=caller, progress_id=progress_id, precondition=precondition
        )
    return Response(status_code=204)
