"""What crosses the API edge for the portfolio summary (and the programme's, which extends it)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from pmo_api.evm.schemas import Figures
from pmo_api.risks.schemas import RiskOut
from pmo_api.schedule.schemas import MilestoneOut


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
