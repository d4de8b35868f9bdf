"""REST endpoint for the portfolio summary (CONTRACT §3, portfolio views)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.inputs import AsOfParams
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import read_route
from pmo_api.evm.schemas import Figures
from pmo_api.portfolio_views.summary import portfolio_summary
from pmo_api.risks.schemas import RiskOut
from pmo_api.schedule.schemas import MilestoneOut

router = APIRouter(tags=["portfolios"])


class ProjectCounts(BaseModel):
    total: int
    by_status: dict[str, int]
    by_health: dict[str, int]


class DueMilestone(MilestoneOut):
    project_code: str


class SummaryOut(BaseModel):
    portfolio_id: uuid.UUID
    as_of: date
    currency: str
    projects: ProjectCounts
    budget_total: float = Field(description="Sum of the projects' BAC.")
    actual_total: float = Field(description="Sum of their actual cost as of the date.")
    evm: Figures = Field(description="The earned-value rollup, as /portfolios/{id}/evm gives it.")
    top_risks: list[RiskOut] = Field(description="The ten highest open risks (score, then EV).")
    milestones_due: list[DueMilestone] = Field(
        description="Milestones not completed and due within 30 days after the date, soonest "
        "first (at most 100)."
    )
    milestones_due_count: int


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
