"""REST endpoints for the risk register and the portfolio risk matrix."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
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
from pmo_api.core.responses import JSONResponse
from pmo_api.projects import repository as project_repo
from pmo_api.projects.service import visible_project
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


def _filters(params: RiskListParams) -> dict[str, Any]:
    return {
        "status": params.status,
        "severity": params.severity,
        "category": params.category,
        "owner": params.owner,
        "min_score": params.min_score,
    }


@router.get(
    "/api/v1/risks",
    operation_id="risks-list",
    response_model=RiskPage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_risks(
    request: Request, caller: Caller, db: DB, params: Annotated[RiskFeedParams, Query()]
) -> Response:
    """Risks across the projects the caller may see. Filter by `portfolio_id`, `project` (id or
    code), `status`, `severity`, `category`, `owner`, `min_score`, `q`, `updated_since`; CSV
    streams every matching row."""
    query = params.list_query()
    ids, codes = project_repo.split_refs(params.project)
    stmt = repo.filtered(
        repo.presented(caller),
        query,
        portfolio_id=params.portfolio_id,
        project_ids=ids,
        project_codes=codes,
        **_filters(params),
    )
    if params.project and not (ids or codes):
        stmt = stmt.where(repo.risks.c.id.is_(None))  # no valid reference: no rows
    return await list_response(
        request,
        db,
        stmt,
        repo.sort_of(query),
        params,
        service.risk_json,
        csv_columns=repo.FIELDS,
        filename="risks.csv",
        copy=True,
    )


@router.get(
    "/api/v1/projects/{project}/risks",
    operation_id="project-risks-list",
    response_model=RiskPage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_project_risks(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[RiskListParams, Query()],
) -> Response:
    """The project's risk register; CSV on request."""
    query = params.list_query()
    async with db.read() as conn:
        owner = await visible_project(conn, caller, project)
    stmt = repo.filtered(
        repo.presented(caller).where(repo.risks.c.project_id == owner["id"]),
        query,
        **_filters(params),
    )
    return await list_response(
        request,
        db,
        stmt,
        repo.sort_of(query),
        params,
        service.risk_json,
        csv_columns=repo.FIELDS,
        filename="risks.csv",
        copy=True,
    )


@router.post(
    "/api/v1/projects/{project}/risks",
    status_code=201,
    operation_id="risks-create",
    response_model=RiskOut,
    responses=problems(*WRITE_ERRORS),
)
async def create_risk(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    body: RiskCreate,
) -> Response:
    """Add a risk (editor); `score`, `severity` and `expected_value` are derived. Honours
    `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.create_risk(conn, principal=caller, ref=project, data=body)
        return service.risk_json(row)

    return await created(request, db, settings, caller, create, "/api/v1/risks/{id}")


@router.get(
    "/api/v1/risks/{risk_id}",
    operation_id="risks-get",
    response_model=RiskOut,
    responses=problems(304, *READ_ERRORS),
)
async def get_risk(request: Request, caller: Caller, db: DB, risk_id: uuid.UUID) -> Response:
    """One risk. Honours `If-None-Match`."""
    async with db.read() as conn:
        row = await service.visible_risk(conn, caller, risk_id)
    return resource_response(request, service.risk_json(row))


@router.patch(
    "/api/v1/risks/{risk_id}",
    operation_id="risks-update",
    response_model=RiskOut,
    responses=problems(*WRITE_ERRORS),
)
async def update_risk(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    risk_id: uuid.UUID,
    body: RiskPatch,
) -> Response:
    """JSON Merge Patch of a risk (editor). Honours `If-Match`."""
    async with db.write() as conn:
        row = await service.update_risk(
            conn, principal=caller, risk_id=risk_id, patch=body, precondition=precondition
        )
    return resource_response(request, service.risk_json(row))


@router.delete(
    "/api/v1/risks/{risk_id}",
    status_code=204,
    operation_id="risks-delete",
    responses=problems(*WRITE_ERRORS),
)
async def delete_risk(
    caller: Caller, db: DB, precondition: IfMatch, risk_id: uuid.UUID
) -> Response:
    """Remove a risk (editor). Honours `If-Match`."""
    async with db.write() as conn:
        await service.delete_risk(
            conn, principal=caller, risk_id=risk_id, precondition=precondition
        )
    return Response(status_code=204)


@router.get(
    "/api/v1/portfolios/{portfolio_id}/risk-matrix",
    operation_id="portfolios-risk-matrix",
    response_model=RiskMatrixOut,
    responses=problems(*READ_ERRORS),
)
async def risk_matrix(caller: Caller, db: DB, portfolio_id: uuid.UUID) -> Response:
    """Open risks (status `open` or `mitigating`) counted in the 5 x 5 probability x impact
    grid, and their total expected value."""
    async with db.read() as conn:
        body = await service.risk_matrix(conn, caller, portfolio_id)
    return JSONResponse(body)
