"""REST endpoints for the budget baseline and costs (docs/reference.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.budget import repository as repo
from pmo_api.budget import service
from pmo_api.budget.models import budget_lines, cost_entries
from pmo_api.budget.schemas import (
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
)
from pmo_api.core.collection import list_response
from pmo_api.core.etags import etag
from pmo_api.core.http import (
    CSV_OK,
    DB,
    READ_ERRORS,
    WRITE_ERRORS,
    AppSettings,
    IfMatch,
    problems,
    resource_response,
    upserted,
)
from pmo_api.core.listing import text_search
from pmo_api.core.money import from_minor
from pmo_api.core.responses import JSONResponse
from pmo_api.projects import repository as project_repo
from pmo_api.projects.service import visible_project

router = APIRouter(tags=["schedule and money"])

PROJECTS = "/api/v1/projects/{project}"


BUDGET_LINE_CSV = tuple(BudgetLineOut.model_fields)


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
