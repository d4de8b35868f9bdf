"""REST endpoints for milestones, the budget baseline, costs and progress (CONTRACT §3)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.collection import list_response
from pmo_api.core.etags import etag
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
    upserted,
)
from pmo_api.core.listing import ListParams, text_search
from pmo_api.core.money import from_minor
from pmo_api.core.responses import JSONResponse
from pmo_api.finance import repository as repo
from pmo_api.finance import service
from pmo_api.finance.aggregates import budget_lines, cost_entries, milestones
from pmo_api.finance.engine import progress_records
from pmo_api.finance.schemas import (
    BaselineOut,
    BaselinePut,
    BudgetLineListParams,
    BudgetLineOut,
    BudgetLinePage,
    CostCreate,
    CostFeedParams,
    CostListParams,
    CostOut,
    CostPage,
    CostPatch,
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
from pmo_api.projects import repository as project_repo
from pmo_api.projects.service import visible_project

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
    today = service.today()
    query = params.list_query()
    async with db.read() as conn:
        owner = await visible_project(conn, caller, project)
    stmt = repo.milestones_of(caller, today).where(milestones.c.project_id == owner["id"])
    stmt = repo.filter_milestones(stmt, query, today, status=params.status, is_gate=params.is_gate)
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
    async with db.write() as conn:
        row = await service.update_milestone(
            conn,
            principal=caller,
            milestone_id=milestone_id,
            patch=body,
            precondition=precondition,
        )
    return resource_response(request, service.milestone_json(row))


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
    async with db.write() as conn:
        await service.delete_milestone(
            conn, principal=caller, milestone_id=milestone_id, precondition=precondition
        )
    return Response(status_code=204)


BUDGET_LINE_CSV = tuple(BudgetLineOut.model_fields)
PROGRESS_CSV = tuple(ProgressOut.model_fields)


# --- budget baseline ----------------------------------------------------------------------------


@router.get(
    f"{PROJECTS}/budget-lines",
    operation_id="budget-lines-list",
    response_model=BudgetLinePage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_budget_lines(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[BudgetLineListParams, Query()],
) -> Response:
    """The lines of the project's current baseline, or of an earlier one with `baseline=N`.
    The `ETag` names the current baseline's number, for `If-Match` on the next `PUT`."""
    query = params.list_query()
    async with db.read() as conn:
        owner = await visible_project(conn, caller, project)
        current = await repo.current_baseline(conn, owner["id"])
    stmt = repo.lines_of(owner["id"], params.baseline or current)
    if params.category:
        stmt = stmt.where(budget_lines.c.category.in_(params.category))
    if query.q:
        stmt = stmt.where(text_search(query.q, budget_lines.c.category))
    if query.updated_since:
        stmt = stmt.where(budget_lines.c.updated_at >= query.updated_since)
    response = await list_response(
        request,
        db,
        stmt,
        repo.budget_line_sort(query),
        params,
        service.budget_line_json,
        csv_columns=BUDGET_LINE_CSV,
        filename="budget-lines.csv",
    )
    response.headers["ETag"] = etag(current)
    return response


@router.put(
    f"{PROJECTS}/budget-lines",
    operation_id="budget-lines-replace",
    response_model=BaselineOut,
    responses=problems(*WRITE_ERRORS),
)
async def replace_budget_lines(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    project: str,
    body: BaselinePut,
) -> Response:
    """Re-baseline (editor): the lines given replace the whole current baseline in one
    transaction, as baseline N+1; the replaced lines stay readable with `?baseline=N`. The
    project's budget (BAC) becomes their sum, and stays read-only while the project has lines.
    `If-Match` takes the current baseline's number (the `ETag` of the GET)."""
    async with db.write() as conn:
        owner, number = await service.put_baseline(
            conn, principal=caller, ref=project, data=body, precondition=precondition
        )
        lines = (
            (await conn.execute(repo.lines_of(owner["id"], number).order_by(*_LINE_ORDER)))
            .mappings()
            .all()
        )
    payload = {
        "project_id": owner["id"],
        "baseline": number,
        "bac": from_minor(owner["budget"]),
        "currency": owner["currency"],
        "lines": [service.budget_line_json(r) for r in lines],
    }
    return JSONResponse(payload, headers={"ETag": etag(number)})


_LINE_ORDER = (budget_lines.c.period, budget_lines.c.category)


# --- costs --------------------------------------------------------------------------------------

COST_CSV = repo.COST_FIELDS


@router.get(
    "/api/v1/costs",
    operation_id="costs-list",
    response_model=CostPage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_costs(
    request: Request, caller: Caller, db: DB, params: Annotated[CostFeedParams, Query()]
) -> Response:
    """Cost entries across the projects the caller may see: the BI feed. Filter by
    `portfolio_id`, `project` (id or code), `category`, `from`/`to` (incurred_on, inclusive)
    and `updated_since`. CSV streams every matching row."""
    query = params.list_query()
    ids, codes = project_repo.split_refs(params.project)
    stmt = repo.filter_costs(
        repo.costs_of(caller),
        query,
        category=params.category,
        from_=params.from_,
        to=params.to,
        portfolio_id=params.portfolio_id,
        project_ids=ids,
        project_codes=codes,
    )
    if params.project and not (ids or codes):
        stmt = stmt.where(cost_entries.c.id.is_(None))  # no valid reference: no rows
    return await list_response(
        request,
        db,
        stmt,
        repo.cost_sort(query),
        params,
        service.cost_json,
        csv_columns=COST_CSV,
        filename="costs.csv",
        copy=True,
    )


@router.get(
    f"{PROJECTS}/costs",
    operation_id="project-costs-list",
    response_model=CostPage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_project_costs(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[CostListParams, Query()],
) -> Response:
    """The project's cost entries; CSV on request."""
    query = params.list_query()
    async with db.read() as conn:
        owner = await visible_project(conn, caller, project)
    stmt = repo.filter_costs(
        repo.costs_of(caller).where(cost_entries.c.project_id == owner["id"]),
        query,
        category=params.category,
        from_=params.from_,
        to=params.to,
    )
    return await list_response(
        request,
        db,
        stmt,
        repo.cost_sort(query),
        params,
        service.cost_json,
        csv_columns=COST_CSV,
        filename="costs.csv",
        copy=True,
    )


@router.post(
    f"{PROJECTS}/costs",
    status_code=201,
    operation_id="costs-create",
    response_model=CostOut,
    responses={**problems(*WRITE_ERRORS), 200: {"description": "Updated by `external_ref`"}},
)
async def create_cost(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    body: CostCreate,
) -> Response:
    """Record an actual cost (editor): 201. With an `external_ref` the project already has,
    that entry is updated instead (200), so an import sent twice never duplicates. Honours
    `Idempotency-Key`."""

    async def write(conn: AsyncConnection) -> tuple[dict[str, Any], bool]:
        row, was_created = await service.record_cost(conn, principal=caller, ref=project, data=body)
        return service.cost_json(row), was_created

    return await upserted(request, db, settings, caller, write, "/api/v1/costs/{id}")


@router.get(
    "/api/v1/costs/{cost_id}",
    operation_id="costs-get",
    response_model=CostOut,
    responses=problems(304, *READ_ERRORS),
)
async def get_cost(request: Request, caller: Caller, db: DB, cost_id: uuid.UUID) -> Response:
    """One cost entry. Honours `If-None-Match`."""
    async with db.read() as conn:
        row = await service.visible_cost(conn, caller, cost_id)
    return resource_response(request, service.cost_json(row))


@router.patch(
    "/api/v1/costs/{cost_id}",
    operation_id="costs-update",
    response_model=CostOut,
    responses=problems(*WRITE_ERRORS),
)
async def update_cost(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    cost_id: uuid.UUID,
    body: CostPatch,
) -> Response:
    """JSON Merge Patch of a cost entry (editor). Honours `If-Match`."""
    async with db.write() as conn:
        row = await service.update_cost(
            conn, principal=caller, cost_id=cost_id, patch=body, precondition=precondition
        )
    return resource_response(request, service.cost_json(row))


@router.delete(
    "/api/v1/costs/{cost_id}",
    status_code=204,
    operation_id="costs-delete",
    responses=problems(*WRITE_ERRORS),
)
async def delete_cost(
    caller: Caller, db: DB, precondition: IfMatch, cost_id: uuid.UUID
) -> Response:
    """Remove a cost entry (editor). Honours `If-Match`."""
    async with db.write() as conn:
        await service.delete_cost(
            conn, principal=caller, cost_id=cost_id, precondition=precondition
        )
    return Response(status_code=204)


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
