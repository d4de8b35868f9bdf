"""REST endpoints for portfolios and their strategic objectives."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import (
    DB,
    READ_ERRORS,
    WRITE_ERRORS,
    AppSettings,
    IfMatch,
    created,
    problems,
    resource_response,
)
from pmo_api.core.listing import ListParams, page_response
from pmo_api.core.writes import patched, removed
from pmo_api.portfolios import service
from pmo_api.portfolios.schemas import (
    ObjectiveCreate,
    ObjectiveOut,
    ObjectivePage,
    ObjectivePatch,
    PortfolioCreate,
    PortfolioListParams,
    PortfolioOut,
    PortfolioPage,
    PortfolioPatch,
)

router = APIRouter(prefix="/api/v1/portfolios", tags=["portfolios"])


@router.get(
    "",
    operation_id="portfolios-list",
    response_model=PortfolioPage,
    responses=problems(*READ_ERRORS),
)
async def list_portfolios(
    request: Request,
    caller: Caller,
    db: DB,
    params: Annotated[PortfolioListParams, Query()],
) -> Response:
    """Portfolios the caller may see, a page at a time."""
    filter = service.PortfolioFilter(currency=params.currency, owner=params.owner)
    async with db.read() as conn:
        rows, next_cursor = await service.list_portfolios(conn, caller, filter, params.list_query())
    return page_response(request, [service.portfolio_json(r) for r in rows], next_cursor)


@router.post(
    "",
    status_code=201,
    operation_id="portfolios-create",
    response_model=PortfolioOut,
    responses=problems(*WRITE_ERRORS),
)
async def create_portfolio(
    request: Request, caller: Caller, db: DB, settings: AppSettings, body: PortfolioCreate
) -> Response:
    """Create a portfolio (admin). Honours `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.create_portfolio(conn, principal=caller, data=body)
        return service.portfolio_json(row)

    return await created(request, db, settings, caller, create, "/api/v1/portfolios/{id}")


@router.get(
    "/{portfolio_id}",
    operation_id="portfolios-get",
    response_model=PortfolioOut,
    responses=problems(304, *READ_ERRORS),
)
async def get_portfolio(
    request: Request, caller: Caller, db: DB, portfolio_id: uuid.UUID
) -> Response:
    """One portfolio. Honours `If-None-Match`."""
    async with db.read() as conn:
        row = await service.visible_portfolio(conn, caller, portfolio_id)
    return resource_response(request, service.portfolio_json(row))


@router.patch(
    "/{portfolio_id}",
    operation_id="portfolios-update",
    response_model=PortfolioOut,
    responses=problems(*WRITE_ERRORS),
)
async def update_portfolio(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    portfolio_id: uuid.UUID,
    body: PortfolioPatch,
) -> Response:
    """JSON Merge Patch of a portfolio (admin). Honours `If-Match`."""
    return await patched(
        request,
        db,
        service.update_portfolio,
        service.portfolio_json,
        principal=caller,
        object_id=portfolio_id,
        patch=body,
        precondition=precondition,
    )


@router.delete(
    "/{portfolio_id}",
    status_code=204,
    operation_id="portfolios-delete",
    responses=problems(*WRITE_ERRORS),
)
async def delete_portfolio(
    caller: Caller, db: DB, precondition: IfMatch, portfolio_id: uuid.UUID
) -> Response:
    """Delete an empty portfolio (admin); one with projects is a 409."""
    return await removed(
        db,
        service.delete_portfolio,
        principal=caller,
        object_id=portfolio_id,
        precondition=precondition,
    )


@router.get(
    "/{portfolio_id}/objectives",
    operation_id="objectives-list",
    response_model=ObjectivePage,
    responses=problems(*READ_ERRORS),
)
async def list_objectives(
    request: Request,
    caller: Caller,
    db: DB,
    params: Annotated[ListParams, Query()],
    portfolio_id: uuid.UUID,
) -> Response:
    """The strategic objectives of a portfolio."""
    async with db.read() as conn:
        rows, next_cursor = await service.list_objectives(
            conn, caller, portfolio_id, params.list_query()
        )
    return page_response(request, [service.objective_json(r) for r in rows], next_cursor)


@router.post(
    "/{portfolio_id}/objectives",
    status_code=201,
    operation_id="objectives-create",
    response_model=ObjectiveOut,
    responses=problems(*WRITE_ERRORS),
)
async def create_objective(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    portfolio_id: uuid.UUID,
    body: ObjectiveCreate,
) -> Response:
    """Add a strategic objective (admin). Honours `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.create_objective(
            conn, principal=caller, portfolio_id=portfolio_id, data=body
        )
        return service.objective_json(row)

    location = f"/api/v1/portfolios/{portfolio_id}/objectives/{{id}}"
    return await created(request, db, settings, caller, create, location)


@router.get(
    "/{portfolio_id}/objectives/{objective_id}",
    operation_id="objectives-get",
    response_model=ObjectiveOut,
    responses=problems(304, *READ_ERRORS),
)
async def get_objective(
    request: Request, caller: Caller, db: DB, portfolio_id: uuid.UUID, objective_id: uuid.UUID
) -> Response:
    """One strategic objective."""
    async with db.read() as conn:
        row = await service.visible_objective(conn, caller, portfolio_id, objective_id)
    return resource_response(request, service.objective_json(row))


@router.patch(
    "/{portfolio_id}/objectives/{objective_id}",
    operation_id="objectives-update",
    response_model=ObjectiveOut,
    responses=problems(*WRITE_ERRORS),
)
async def update_objective(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    portfolio_id: uuid.UUID,
    objective_id: uuid.UUID,
    body: ObjectivePatch,
) -> Response:
    """JSON Merge Patch of an objective (admin). Honours `If-Match`."""
    return await patched(
        request,
        db,
        partial(service.update_objective, portfolio_id=portfolio_id),
        service.objective_json,
        principal=caller,
        object_id=objective_id,
        patch=body,
        precondition=precondition,
    )


@router.delete(
    "/{portfolio_id}/objectives/{objective_id}",
    status_code=204,
    operation_id="objectives-delete",
    responses=problems(*WRITE_ERRORS),
)
async def delete_objective(
    caller: Caller, db: DB, precondition: IfMatch, portfolio_id: uuid.UUID, objective_id: uuid.UUID
) -> Response:
    """Remove an objective (admin)."""
    return await removed(
        db,
        partial(service.delete_objective, portfolio_id=portfolio_id),
        principal=caller,
        object_id=objective_id,
        precondition=precondition,
    )
