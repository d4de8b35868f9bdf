"""What crosses the API edge for change requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.budget.schemas import Period
from pmo_api.core.fields import Category, LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.money import Money
from pmo_api.core.patch import MergePatch, patch_of

ChangeCategory = Literal["scope", "cost", "schedule", "resource"]
ChangePriority = Literal["low", "medium", "high", "critical"]
ChangeState = Literal["draft", "submitted", "approved", "rejected", "withdrawn", "implemented"]
# The states a transition may lead to (a new request is a draft).
TargetState = Literal["submitted", "approved", "rejected", "withdrawn", "implemented"]
DeltaDays = Annotated[int, Field(ge=-36_500, le=36_500)]


class ChangeRequestCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name
    category: ChangeCategory
    justification: LongText | None = None
    priority: ChangePriority = "medium"
    requested_by: Person | None = None
    cost_delta: Money = Field(
        default=Decimal(0),
        description="The change to the project's budget, in its currency; negative for a saving.",
    )
    schedule_delta_days: DeltaDays = Field(
        default=0,
        description="Days the affected milestones' forecasts move on approval; negative: earlier.",
    )
    affected_milestone_ids: Annotated[list[uuid.UUID], Field(max_length=200)] = Field(
        default_factory=list, description="Milestones of the same project."
    )


@patch_of(ChangeRequestCreate)
class ChangeRequestPatch(MergePatch):
    required_fields = frozenset(
        {
            "title",
            "category",
            "priority",
            "cost_delta",
            "schedule_delta_days",
            "affected_milestone_ids",
        }
    )


class TransitionIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    to: TargetState = Field(
        description="draft → submitted | withdrawn; submitted → approved | rejected | withdrawn; "
        "approved → implemented. Anything else is a 409."
    )
    note: LongText | None = Field(default=None, description="Why: kept as `decision_note`.")
    rebaseline: bool = Field(
        default=False,
        description="Approving only: with a cost impact, make a new budget baseline (the "
        "current lines, plus `cost_delta` on the line of `budget_period` and `budget_category`) "
        "in the same transaction.",
    )
    budget_period: Period | None = Field(
        default=None, description="The month (`YYYY-MM`) the change lands in; default: this month."
    )
    budget_category: Category | None = Field(
        default=None, description="The budget category it lands in; default `change_requests`."
    )


class ChangeRequestOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    title: str
    category: ChangeCategory
    justification: str | None
    priority: ChangePriority
    requested_by: str | None
    cost_delta: float
    currency: str
    schedule_delta_days: int
    affected_milestone_ids: list[uuid.UUID]
    state: ChangeState
    submitted_at: datetime | None
    decided_at: datetime | None = Field(description="When it was approved or rejected.")
    decided_by: str | None = Field(description="Who approved or rejected it (the API key's name).")
    decision_note: str | None
    implemented_at: datetime | None
    baseline: int | None = Field(description="The budget baseline its approval made, if any.")
    decision_id: uuid.UUID | None = Field(description="The decision-log entry of its approval.")
    created_at: datetime
    updated_at: datetime
    version: int


class ChangeRequestPage(Page[ChangeRequestOut]):
    pass


class ChangeRequestListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "title", "updated_at")
    state: list[ChangeState] = many()
    category: list[ChangeCategory] = many()
    priority: list[ChangePriority] = many()


class ChangeRequestFeedParams(ChangeRequestListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
