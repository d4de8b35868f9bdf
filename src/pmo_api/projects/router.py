"""REST endpoints for projects."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB, AppSettings, IfMatch, created, resource_response
from pmo_api.core.listing import page_response
from pmo_api.core.money import from_minor
from pmo_api.core.routes import READ_CSV, READ_ONE, WRITE
from pmo_api.db.database import Database
from pmo_api.health.rules import Health, Thresholds
from pmo_api.projects import repository as repo
from pmo_api.projects import service
from pmo_api.projects.schemas import (
    ProjectCreate,
    ProjectListParams,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
)

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])

CSV_COLUMNS = tuple(ProjectOut.model_fields)
_Multi = Query(max_length=50)


@router.get("", operation_id="projects-list", response_model=ProjectPage, responses=READ_CSV)
async def list_projects(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    params: Annotated[ProjectListParams, Query()],
) -> Response:
    """Projects the caller may see, each with its `health` as of today. Repeat a filter for OR
    (`status=active&status=on_hold`, `health=red&health=amber`). `Accept: text/csv` or
    `format=csv` streams every matching row as CSV, unpaginated."""
    query = params.list_query()
    filter = service.ProjectFilter(
        portfolio_ids=params.portfolio_id,
        program_ids=params.program_id,
        status=params.status,
        priority=params.priority,
        code=params.code,
        manager=params.manager,
        sponsor=params.sponsor,
        ev_method=params.ev_method,
        health=params.health,
    )
    thresholds = Thresholds.of(settings)
    if wants_csv(request):
        rows = service.stream_projects(
            db, caller, filter, query, thresholds=thresholds, batch=CSV_HEALTH_BATCH
        )
        return csv_response(CSV_COLUMNS, rows, filename="projects.csv", to_cells=_cells)
    async with db.read() as conn:
        found, next_cursor = await service.list_projects(
            conn, caller, filter, query, thresholds=thresholds
        )
    # Every row has its health here (with_health): the condition only tells mypy so.
    data = [service.presented_json(row, health) for row, health in found if health is not None]
    return page_response(request, data, next_cursor)


# A CSV export reads the health of its rows a batch at a time: one statement per batch.
CSV_HEALTH_BATCH = 1000

_LIST_CELLS = frozenset(repo.JSON_LISTS)


def _cells(item: tuple[repo.ProjectRow, Health]) -> list[Any]:
    """A presented row and its health as CSV cells: lists (JSON text in the row) as their
    JSON text, text made safe for spreadsheets (core/csvstream.flat)."""
    row, health = item
    cells: list[Any] = []
    for name in CSV_COLUMNS:
        if name in ("health", "health_reason"):
            cells.append(health.health if name == "health" else health.reason)
            continue
        value = getattr(row, name)
        if name == "budget":
            value = from_minor(value)
        elif name in _LIST_CELLS:
            value = orjson.loads(value)
        cells.append(flat(value))
    return cells


@router.post(
    "",
    status_code=201,
    operation_id="projects-create",
    response_model=ProjectOut,
    responses=WRITE,
)
async def create_project(
    request: Request, caller: Caller, db: DB, settings: AppSettings, body: ProjectCreate
) -> Response:
    """Create a project (editor). It starts `proposed` unless `status` names another.
    Honours `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.create_project(conn, principal=caller, data=body)
        return await service.project_body(conn, row, Thresholds.of(settings))

    return await created(request, db, settings, caller, create, "/api/v1/projects/{id}")


# This route only feeds the OpenAPI document: the request is answered by its lean twin in
# hot_routes.py, matched first. Anything added here (a dependency, a header, a parameter) would
# be documented and never run; tests/test_hot_routes.py fails if it gains one.
@router.get(
    "/{project}",
    operation_id="projects-get",
    response_model=ProjectOut,
    responses=READ_ONE,
)
async def get_project(request: Request, caller: Caller, db: DB, project: str) -> Response:
    """One project, by id or by code, with its `health` as of today. Honours `If-None-Match`:
    the ETag is `"<version>-<digest of the body>"`, so it changes when anything shown changes,
    health included (a new cost, a risk, a day passing); `If-Match` on a write compares only
    the version."""
    return await project_response(request, caller, db, project)


async def project_response(
    request: Request, caller: Principal, db: Database, project: str
) -> Response:
    """GET /api/v1/projects/{project}, shared by this route and its lean twin (hot_routes.py)."""
    thresholds = Thresholds.of(request.app.state.settings)
    body = await service.presented_project(db, caller, project, thresholds)
    return resource_response(request, body)


@router.patch(
    "/{project}",
    operation_id="projects-update",
    response_model=ProjectOut,
    responses=WRITE,
)
async def update_project(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    precondition: IfMatch,
    project: str,
    body: ProjectPatch,
) -> Response:
    """JSON Merge Patch of a project (editor); a status change must follow the lifecycle (409
    otherwise). Honours `If-Match`."""
    async with db.write() as conn:
        row = await service.update_project(
            conn, principal=caller, object_id=project, patch=body, precondition=precondition
        )
        out = await service.project_body(conn, row, Thresholds.of(settings))
    return resource_response(request, out)


@router.delete("/{project}", status_code=204, operation_id="projects-delete", responses=WRITE)
async def delete_project(caller: Caller, db: DB, precondition: IfMatch, project: str) -> Response:
    """Delete a project (editor). Honours `If-Match`."""
    async with db.write() as conn:
        await service.delete_project(
            conn, principal=caller, object_id=project, precondition=precondition
        )
    return Response(status_code=204)
