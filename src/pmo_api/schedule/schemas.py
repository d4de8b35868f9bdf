"""What crosses the API edge for milestones and progress."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText, Name
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, many
from pmo_api.core.patch import MergePatch

# A milestone's weight against its siblings: > 0, at most 3 decimals (stored in thousandths).
MilestoneWeight = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=10, decimal_places=3)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


MilestoneStatus = Literal["upcoming", "overdue", "completed"]


# --- milestones ---------------------------------------------------------------------------------


class MilestoneCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None
    due_date: date = Field(description="The baseline date.")
    forecast_date: date | None = None
    completed_on: date | None = None
    weight: MilestoneWeight = Decimal(1)
    is_gate: bool = Field(default=False, description="A stage gate that needs a decision.")


class MilestonePatch(MergePatch):
    required_fields = frozenset({"name", "due_date", "weight", "is_gate"})

    name: Name | None = None
    description: LongText | None = None
    due_date: date | None = None
    forecast_date: date | None = None
    completed_on: date | None = None
    weight: MilestoneWeight | None = None
    is_gate: bool | None = None


class MilestoneOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    description: str | None
    due_date: date
    forecast_date: date | None
    completed_on: date | None
    weight: float
    is_gate: bool
    status: MilestoneStatus = Field(
        description="`completed` when completed_on is set, `overdue` when not and due_date is "
        "before today, else `upcoming`."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class MilestonePage(BaseModel):
    data: list[MilestoneOut]
    next_cursor: str | None


class MilestoneListParams(ListParams):
    status: list[MilestoneStatus] = many()
    is_gate: bool | None = None


# --- progress -----------------------------------------------------------------------------------


class ProgressCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    as_of: date
    percent_complete: Percent
    note: LongText | None = None


class ProgressPatch(MergePatch):
    required_fields = frozenset({"as_of", "percent_complete"})

    as_of: date | None = None
    percent_complete: Percent | None = None
    note: LongText | None = None


class ProgressOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    as_of: date
    percent_complete: float
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class ProgressPage(BaseModel):
    data: list[ProgressOut]
    next_cursor: str | None
