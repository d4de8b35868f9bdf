"""What crosses the API edge for the RAID views."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from pmo_api.assumptions.schemas import AssumptionOut
from pmo_api.core.inputs import QueryModel
from pmo_api.dependencies.schemas import DependencyOut
from pmo_api.raid_issues.schemas import IssueOut
from pmo_api.risks.schemas import RiskOut


class RaidDependencies(BaseModel):
    incoming: list[DependencyOut] = Field(description="Its milestones' predecessors.")
    outgoing: list[DependencyOut] = Field(description="Its milestones' successors.")


class ProjectRaidOut(BaseModel):
    project_id: uuid.UUID
    code: str
    risks: list[RiskOut]
    assumptions: list[AssumptionOut]
    issues: list[IssueOut]
    dependencies: RaidDependencies


class RaidRow(BaseModel):
    kind: Literal["risk", "assumption", "issue", "dependency"]
    id: uuid.UUID
    project_code: str | None
    title: str = Field(
        description="A risk's or issue's title, an assumption's statement, a "
        "dependency's ends (`predecessor → successor`)."
    )
    status: str | None = Field(description="A dependency's: `at_risk` or `on_track`.")
    rating: str | None = Field(
        description="Severity (risk), priority (issue), confidence (assumption), hard or soft "
        "(dependency)."
    )
    owner: str | None
    due: date | None = Field(
        description="Review date (risk), target resolution (issue), validate-by (assumption), "
        "the date the successor is pushed to (dependency at risk)."
    )


class PortfolioRaidOut(BaseModel):
    portfolio_id: uuid.UUID
    data: list[RaidRow]


class ProgramRaidOut(PortfolioRaidOut):
    """`portfolio_id`: the programme's portfolio."""

    program_id: uuid.UUID


class RaidParams(QueryModel):
    format: Literal["json", "csv"] | None = None
