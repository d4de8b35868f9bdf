"""What crosses the API edge for milestones and progress."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import LongText, Name, exact_decimal
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

# A milestone's weight against its siblings: > 0, at most 3 decimals (stored in thousandths).
MilestoneWeight = Annotated[
    Decimal,
    Field(gt=0, le=1_000_000, max_digits=10, decimal_places=3),
    exact_decimal(3, maximum=1_000_000, positive=True),
]
Percent = Annotated[
    Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2), exact_decimal(2, maximum=100)
]


# A gate's key, as methodology templates name their gates (templates/schemas.py).
GateKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,49}$")]

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
    gate_key: GateKey | None = Field(
        default=None,
        description="The gate of the project's methodology template this milestone is (one "
        "milestone per gate and project); setting it makes the milestone a gate.",
    )


@patch_of(MilestoneCreate)
class MilestonePatch(MergePatch):
    required_fields = frozenset({"name", "due_date", "weight", "is_gate"})


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
    gate_key: str | None = Field(description="The template gate it is, if any (is_gate then true).")
    status: MilestoneStatus = Field(
        description="`completed` when completed_on is set, `overdue` when not and due_date is "
        "before today, else `upcoming`."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class MilestonePage(Page[MilestoneOut]):
    pass


class ProgressListParams(ListParams):
    sort: str | None = sorted_by("as_of", "created_at", "id", "updated_at")


class MilestoneListParams(ListParams):
    sort: str | None = sorted_by(
        "completed_on", "created_at", "due_date", "forecast_date", "id", "name", "updated_at"
    )
    status: list[MilestoneStatus] = many()
    is_gate: bool | None = None


class MilestoneFeedParams(MilestoneListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()


# --- progress -----------------------------------------------------------------------------------


class ProgressCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    as_of: date
    percent_complete: Percent
    note: LongText | None = None


@patch_of(ProgressCreate)
class ProgressPatch(MergePatch):
    required_fields = frozenset({"as_of", "percent_complete"})


class ProgressOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    as_of: date
    percent_complete: float
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class ProgressPage(Page[ProgressOut]):
    pass
