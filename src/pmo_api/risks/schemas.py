"""What crosses the API edge for risks."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import Category, LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.money import NonNegativeMoney
from pmo_api.core.patch import MergePatch, patch_of

Level = Annotated[int, Field(ge=1, le=5)]
Response = Literal["avoid", "mitigate", "transfer", "accept", "escalate"]
RiskStatus = Literal["open", "mitigating", "closed", "occurred"]
Severity = Literal["low", "medium", "high", "critical"]


class RiskCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name
    description: LongText | None = None
    category: Category | None = None
    probability: Level
    impact: Level
    cost_impact: NonNegativeMoney | None = None
    response: Response | None = None
    mitigation_plan: LongText | None = None
    contingency_plan: LongText | None = None
    owner: Person | None = None
    status: RiskStatus = "open"
    review_date: date | None = None
    trigger: LongText | None = None


@patch_of(RiskCreate)
class RiskPatch(MergePatch):
    required_fields = frozenset({"title", "probability", "impact", "status"})


class RiskOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    title: str
    description: str | None
    category: str | None
    probability: int
    impact: int
    score: int = Field(description="probability x impact")
    severity: Severity = Field(description="1-4 low, 5-9 medium, 10-16 high, 20-25 critical")
    cost_impact: float | None
    expected_value: float | None = Field(
        description="cost_impact x the probability's weight (1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, "
        "5: 0.9), rounded to cents"
    )
    currency: str
    response: Response | None
    mitigation_plan: str | None
    contingency_plan: str | None
    owner: str | None
    status: RiskStatus
    review_date: date | None
    trigger: str | None
    issue_id: uuid.UUID | None = Field(
        description="The issue this risk became when it occurred (POST an issue with risk_id)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class RiskPage(Page[RiskOut]):
    pass


class RiskListParams(ListParams):
    sort: str | None = sorted_by(
        "created_at", "expected_value", "id", "review_date", "score", "title", "updated_at"
    )
    status: list[RiskStatus] = many()
    severity: list[Severity] = many()
    category: list[str] = many()
    owner: list[str] = many()
    min_score: int | None = Field(default=None, ge=1, le=25, description="score ≥ this.")


class RiskFeedParams(RiskListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()


class MatrixCell(BaseModel):
    probability: int
    impact: int
    count: int


class RiskMatrixOut(BaseModel):
    portfolio_id: uuid.UUID
    currency: str
    cells: list[MatrixCell] = Field(
        description="Open risks (status open or mitigating) in each of the 25 cells, "
        "probability 1-5 x impact 1-5"
    )
    open_risks: int
    expected_value: float = Field(description="Total expected value of the open risks.")
