"""REST endpoints for the risk register and the portfolio risk matrix."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import CsvFile, ResourceRoutes, read_route
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


risk_lists = ListRoutes(router, RiskPage, service.list_risks, service.risk_json, RISKS_CSV)


@risk_lists.route("/api/v1/risks", "risks-list")
def list_risks(params: RiskFeedParams) -> service.RiskFilter:
    """Risks across the projects the caller may see. Filter by `portfolio_id`, `project` (id or
    code), `status`, `severity`, `category`, `owner`, `min_score`, `q`, `updated_since`; CSV
    streams every matching row."""
    return service.RiskFilter.of(params)


@risk_lists.route("/api/v1/projects/{project}/risks", "project-risks-list")
def list_project_risks(params: RiskListParams, project: str) -> service.RiskFilter:
    """The project's risk register; CSV on request."""
    return service.RiskFilter.of(params, project=project)


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


@read_route(
    router, "/api/v1/portfolios/{portfolio_id}/risk-matrix", "portfolios-risk-matrix", RiskMatrixOut
)
async def risk_matrix(caller: Caller, db: DB, portfolio_id: uuid.UUID) -> Response:
    """Open risks (status `open` or `mitigating`) counted in the 5 x 5 probability x impact
    grid, and their total expected value."""
    async with db.read() as conn:
        body = await service.risk_matrix(conn, caller, portfolio_id)
    return JSONResponse(body)
