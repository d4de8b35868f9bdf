"""What crosses the API edge for programmes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of
from pmo_api.evm.schemas import Figures, PortfolioEvmRow
from pmo_api.health.schemas import HealthRuleOut, HealthStatus, RuleName
from pmo_api.portfolio_views.schemas import SummaryOut
from pmo_api.programs.models import ProgramStatus
from pmo_api.risks.schemas import RiskMatrixOut

if TYPE_CHECKING:
    Status = str
else:
    Status = Literal[tuple(s.value for s in ProgramStatus)]

ObjectiveIds = Annotated[
    list[uuid.UUID],
    Field(
        max_length=100,
        description="Ids of strategic objectives of the programme's portfolio (each once).",
    ),
]


class ProgramCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None
    objectives: ObjectiveIds = []
    sponsor: Person | None = None
    manager: Person | None = None
    status: Status = "proposed"


@patch_of(ProgramCreate)
class ProgramPatch(MergePatch):
    required_fields = frozenset({"name", "objectives", "status"})


class ProgramOut(BaseModel):
    id: uuid.UUID
    portfolio_id: uuid.UUID
    name: str
    description: str | None
    objectives: list[uuid.UUID]
    sponsor: str | None
    manager: str | None
    status: Status
    currency: str = Field(description="ISO 4217, the portfolio's (read-only).")
    created_at: datetime
    updated_at: datetime
    version: int


class ProgramPage(Page[ProgramOut]):
    pass


class ProgramListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "name", "status", "updated_at")
    status: list[Status] = many()
    manager: list[str] = many()
    sponsor: list[str] = many()


class ProgramFeedParams(ProgramListParams):
    portfolio_id: list[uuid.UUID] = many()


class ProgramEvmOut(BaseModel):
    program_id: uuid.UUID
    portfolio_id: uuid.UUID
    as_of: date
    currency: str
    rollup: Figures = Field(
        description="Sums of the programme's projects' BAC, PV, EV and AC (as shown in their "
        "rows), with every index computed from those sums (never averaged)."
    )
    projects: list[PortfolioEvmRow]


class ProgramSummaryOut(SummaryOut):
    program_id: uuid.UUID


class ProgramRiskMatrixOut(RiskMatrixOut):
    program_id: uuid.UUID


class ProgramProjectHealth(BaseModel):
    project_id: uuid.UUID
    code: str
    health: HealthStatus | None
    reason: Literal["not started", "closed"] | None
    rules: list[HealthRuleOut]
    decided_by: list[RuleName]


class ProgramHealthOut(BaseModel):
    program_id: uuid.UUID
    portfolio_id: uuid.UUID
    as_of: date = Field(description="Today: health is always as of the day it is asked.")
    health: HealthStatus | None = Field(
        description="The worst health among the programme's projects in flight; null when "
        "none of them is in flight."
    )
    decided_by: list[str] = Field(description="Codes of the projects whose health this is.")
    projects: list[ProgramProjectHealth] = Field(
        description="Each live project of the programme with its own verdict, in code order."
    )
