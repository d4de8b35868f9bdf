"""REST endpoint for the portfolio summary (CONTRACT §3, portfolio views)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.inputs import AsOfParams
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import read_route
from pmo_api.portfolio_views.schemas import SummaryOut
from pmo_api.portfolio_views.summary import portfolio_summary

router = APIRouter(tags=["portfolios"])


@read_route(router, "/api/v1/portfolios/{portfolio_id}/summary", "portfolios-summary", SummaryOut)
async def summary(
    caller: Caller,
    db: DB,
    settings: AppSettings,
    portfolio_id: uuid.UUID,
    params: Annotated[AsOfParams, Query()],
) -> Response:
    """Counts of projects by status and health, budget and actual totals, the earned-value
    rollup, the ten highest open risks and the milestones due in the next 30 days, as of
    `as_of`."""
    body: dict[str, Any] = await portfolio_summary(db, caller, portfolio_id, params.as_of, settings)
    return JSONResponse(body)
