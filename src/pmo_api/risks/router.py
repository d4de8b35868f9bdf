"""REST endpoints for the risk register and the portfolio risk matrix."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import READ, READ_CSV, CsvFile, ResourceRoutes, listing_response
from pmo_api.risks import repository as repo
from pmo_api.risks import service
from pmo_api.risks.schemas import (
    RiskCreate,
    RiskFeedParams,
    RiskListParams,
    RiskMatrixOut,
    RiskOut,
    RiskPage,
    RiskPatch,
)

router = APIRouter(tags=["risks"])

RISKS_CSV = CsvFile(repo.FIELDS, "risks.csv", copy=True)


async def _risks_response(
    request: Request, caller: Caller, db: DB, params: RiskListParams, wanted: service.RiskFilter
) -> Response:
    async with db.read() as conn:
        listing = await service.list_risks(conn, caller, wanted, sort=params.sort)
    return await listing_response(request, db, listing, params, service.risk_json, RISKS_CSV)


@router.get("/api/v1/risks", operation_id="risks-list", response_model=RiskPage, responses=READ_CSV)
async def list_risks(
    request: Request, caller: Caller, db: DB, params: Annotated[RiskFeedParams, Query()]
) -> Response:
    """Risks across the projects the caller may see. Filter by `portfolio_id`, `project` (id or
    code), `status`, `severity`, `category`, `owner`, `min_score`, `q`, `updated_since`; CSV
    streams every matching row."""
    return await _risks_response(request, caller, db, params, service.RiskFilter.of(params))


@router.get(
    "/api/v1/projects/{project}/risks",
    operation_id="project-risks-list",
    response_model=RiskPage,
    responses=READ_CSV,
)
async def list_project_risks(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[RiskListParams, Query()],
) -> Response:
    """The project's risk register; CSV on request."""
    wanted = service.RiskFilter.of(params, project=project)
    return await _risks_response(request, caller, db, params, wanted)


risk = ResourceRoutes(router, "/api/v1/risks/{risk_id}", RiskOut, service.risk_json)
risk.create(
    "/api/v1/projects/{project}/risks",
    service.create_risk,
    RiskCreate,
    """Add a risk (editor); `score`, `severity` and `expected_value` are derived. Honours
    `Idempotency-Key`.""",
)
risk.get(service.visible_risk, "One risk. Honours `If-None-Match`.")
risk.update(
    service.update_risk, RiskPatch, "JSON Merge Patch of a risk (editor). Honours `If-Match`."
)
risk.delete(service.delete_risk, "Remove a risk (editor). Honours `If-Match`.")


@router.get(
    "/api/v1/portfolios/{portfolio_id}/risk-matrix",
    operation_id="portfolios-risk-matrix",
    response_model=RiskMatrixOut,
    responses=READ,
)
async def risk_matrix(caller: Caller, db: DB, portfolio_id: uuid.UUID) -> Response:
    """Open risks (status `open` or `mitigating`) counted in the 5 x 5 probability x impact
    grid, and their total expected value."""
    async with db.read() as conn:
        body = await service.risk_matrix(conn, caller, portfolio_id)
    return JSONResponse(body)
