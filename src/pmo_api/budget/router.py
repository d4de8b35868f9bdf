"""REST endpoints for the budget baseline and costs (docs/reference.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.budget import repository as repo
from pmo_api.budget import service
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
from pmo_api.core.etags import etag
from pmo_api.core.http import DB, AppSettings, IfMatch, upserted
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import (
    WRITE,
    CsvFile,
    ResourceRoutes,
    listing_response,
    read_route,
)

router = APIRouter(tags=["schedule and money"])

BUDGET_LINE_CSV = CsvFile(tuple(BudgetLineOut.model_fields), "budget-lines.csv")


# --- budget baseline ----------------------------------------------------------------------------


@read_route(
    router, "/api/v1/projects/{project}/budget-lines", "budget-lines-list", BudgetLinePage, csv=True
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
    wanted = service.BudgetLineFilter(
        project=project,
        baseline=params.baseline,
        category=params.category,
        q=query.q,
        updated_since=query.updated_since,
    )
    async with db.read() as conn:
        listing, current = await service.list_budget_lines(conn, caller, wanted, sort=query.sort)
    response = await listing_response(
        request, db, listing, params, service.budget_line_json, BUDGET_LINE_CSV
    )
    response.headers["ETag"] = etag(current)
    return response


@router.put(
    "/api/v1/projects/{project}/budget-lines",
    operation_id="budget-lines-replace",
    response_model=BaselineOut,
    responses=WRITE,
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
        baseline = await service.put_baseline(
            conn, principal=caller, ref=project, data=body, precondition=precondition
        )
    return JSONResponse(baseline, headers={"ETag": etag(baseline["baseline"])})


# --- costs --------------------------------------------------------------------------------------

COST_CSV = CsvFile(repo.COST_FIELDS, "costs.csv", copy=True)


cost_lists = ListRoutes(router, CostPage, service.list_costs, service.cost_json, COST_CSV)


@cost_lists.route("/api/v1/costs", "costs-list")
def list_costs(params: CostFeedParams) -> service.CostFilter:
    """Cost entries across the projects the caller may see: the BI feed. Filter by
    `portfolio_id`, `project` (id or code), `category`, `from`/`to` (incurred_on, inclusive)
    and `updated_since`. CSV streams every matching row."""
    return service.CostFilter.of(params)


@cost_lists.route("/api/v1/projects/{project}/costs", "project-costs-list")
def list_project_costs(params: CostListParams, project: str) -> service.CostFilter:
    """The project's cost entries; CSV on request."""
    return service.CostFilter.of(params, project=project)


@router.post(
    "/api/v1/projects/{project}/costs",
    status_code=201,
    operation_id="costs-create",
    response_model=CostOut,
    responses={**WRITE, 200: {"description": "Updated by `external_ref`"}},
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


cost = ResourceRoutes(router, "/api/v1/costs/{cost_id}", CostOut, service.cost_json)
cost.get(service.visible_cost, "One cost entry. Honours `If-None-Match`.")
cost.update(
    service.update_cost, CostPatch, "JSON Merge Patch of a cost entry (editor). Honours `If-Match`."
)
cost.delete(service.delete_cost, "Remove a cost entry (editor). Honours `If-Match`.")
