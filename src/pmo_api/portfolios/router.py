"""REST endpoints for portfolios and their strategic objectives."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.listing import ListParams, page_response
from pmo_api.core.routes import READ, WRITE, Delete, Get, Update, item_routes
from pmo_api.core.writes import posted
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

router = APIRouter(tags=["portfolios"])


@router.get(
    "/api/v1/portfolios",
    operation_id="portfolios-list",
    response_model=PortfolioPage,
    responses=READ,
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
    "/api/v1/portfolios",
    status_code=201,
    operation_id="portfolios-create",
    response_model=PortfolioOut,
    responses=WRITE,
)
async def create_portfolio(
    request: Request, caller: Caller, db: DB, settings: AppSettings, body: PortfolioCreate
) -> Response:
    """Create a portfolio (admin). Honours `Idempotency-Key`."""
    return await posted(
        request,
        db,
        settings,
        service.create_portfolio,
        service.portfolio_json,
        principal=caller,
        data=body,
        location="/api/v1/portfolios/{id}",
    )


item_routes(
    router,
    "/api/v1/portfolios/{portfolio_id}",
    name="portfolio",
    operations="portfolios",
    model=PortfolioOut,
    render=service.portfolio_json,
    get=Get(service.visible_portfolio, "One portfolio. Honours `If-None-Match`."),
    update=Update(
        service.update_portfolio,
        PortfolioPatch,
        "JSON Merge Patch of a portfolio (admin). Honours `If-Match`.",
    ),
    delete=Delete(
        service.delete_portfolio, "Delete an empty portfolio (admin); one with projects is a 409."
    ),
)


@router.get(
    "/api/v1/portfolios/{portfolio_id}/objectives",
    operation_id="objectives-list",
    response_model=ObjectivePage,
    responses=READ,
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
    "/api/v1/portfolios/{portfolio_id}/objectives",
    status_code=201,
    operation_id="objectives-create",
    response_model=ObjectiveOut,
    responses=WRITE,
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
    return await posted(
        request,
        db,
        settings,
        partial(service.create_objective, portfolio_id=portfolio_id),
        service.objective_json,
        principal=caller,
        data=body,
        location=f"/api/v1/portfolios/{portfolio_id}/objectives/{{id}}",
    )


item_routes(
    router,
    "/api/v1/portfolios/{portfolio_id}/objectives/{objective_id}",
    name="objective",
    operations="objectives",
    model=ObjectiveOut,
    render=service.objective_json,
    get=Get(service.visible_objective, "One strategic objective."),
    update=Update(
        service.update_objective,
        ObjectivePatch,
        "JSON Merge Patch of an objective (admin). Honours `If-Match`.",
    ),
    delete=Delete(service.delete_objective, "Remove an objective (admin)."),
)
