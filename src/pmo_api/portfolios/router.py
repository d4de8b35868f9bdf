"""REST endpoints for portfolios and their strategic objectives."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB
from pmo_api.core.listing import page_response
from pmo_api.core.routes import ResourceRoutes, read_route
from pmo_api.portfolios import service
from pmo_api.portfolios.schemas import (
    ObjectiveCreate,
    ObjectiveListParams,
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


@read_route(router, "/api/v1/portfolios", "portfolios-list", PortfolioPage)
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


portfolio = ResourceRoutes(
    router, "/api/v1/portfolios/{portfolio_id}", PortfolioOut, service.portfolio_json
)
portfolio.create(
    "/api/v1/portfolios",
    service.create_portfolio,
    PortfolioCreate,
    "Create a portfolio (admin). Honours `Idempotency-Key`.",
)
portfolio.get(service.visible_portfolio, "One portfolio. Honours `If-None-Match`.")
portfolio.update(
    service.update_portfolio,
    PortfolioPatch,
    "JSON Merge Patch of a portfolio (admin). Honours `If-Match`.",
)
portfolio.delete(
    service.delete_portfolio, "Delete an empty portfolio (admin); one with projects is a 409."
)


@read_route(
    router, "/api/v1/portfolios/{portfolio_id}/objectives", "objectives-list", ObjectivePage
)
async def list_objectives(
    request: Request,
    caller: Caller,
    db: DB,
    params: Annotated[ObjectiveListParams, Query()],
    portfolio_id: uuid.UUID,
) -> Response:
    """The strategic objectives of a portfolio."""
    async with db.read() as conn:
        rows, next_cursor = await service.list_objectives(
            conn, caller, portfolio_id, params.list_query()
        )
    return page_response(request, [service.objective_json(r) for r in rows], next_cursor)


objective = ResourceRoutes(
    router,
    "/api/v1/portfolios/{portfolio_id}/objectives/{objective_id}",
    ObjectiveOut,
    service.objective_json,
)
objective.create(
    "/api/v1/portfolios/{portfolio_id}/objectives",
    service.create_objective,
    ObjectiveCreate,
    "Add a strategic objective (admin). Honours `Idempotency-Key`.",
)
objective.get(service.visible_objective, "One strategic objective.")
objective.update(
    service.update_objective,
    ObjectivePatch,
    "JSON Merge Patch of an objective (admin). Honours `If-Match`.",
)
objective.delete(service.delete_objective, "Remove an objective (admin).")
