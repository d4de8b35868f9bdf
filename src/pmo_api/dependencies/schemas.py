"""What crosses the API edge for dependencies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of
from pmo_api.dependencies.models import MAX_LAG_DAYS

DependencyTypeName = Literal["finish_to_start", "start_to_start", "finish_to_finish"]
LagDays = Annotated[int, Field(ge=-MAX_LAG_DAYS, le=MAX_LAG_DAYS)]


class DependencyCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    predecessor_id: uuid.UUID
    successor_id: uuid.UUID
    type: DependencyTypeName = "finish_to_start"
    lag_days: LagDays = Field(
        default=0, description="Days added to the predecessor's date (negative: a lead)."
    )
    hard: bool = Field(default=True, description="false: a soft (preferred) dependency.")
    note: LongText | None = None


class MilestoneDependencyCreate(JsonBody):
    """A dependency of the milestone in the path: give the other end as `predecessor_id` (the
    path's milestone is the successor) or as `successor_id` (it is the predecessor)."""

    model_config = ConfigDict(extra="forbid")

    predecessor_id: uuid.UUID | None = None
    successor_id: uuid.UUID | None = None
    type: DependencyTypeName = "finish_to_start"
    lag_days: LagDays = 0
    hard: bool = True
    note: LongText | None = None


class DependencyEdit(JsonBody):
    """What a PATCH may change (the ends are the dependency's identity: delete and create)."""

    model_config = ConfigDict(extra="forbid")

    type: DependencyTypeName = "finish_to_start"
    lag_days: LagDays = 0
    hard: bool = True
    note: LongText | None = None


@patch_of(DependencyEdit)
class DependencyPatch(MergePatch):
    required_fields = frozenset({"type", "lag_days", "hard"})


class MilestoneEnd(BaseModel):
    """One end of a dependency. A milestone the caller may not see is `{"hidden": true}` and
    nothing else."""

    hidden: bool = False
    id: uuid.UUID | None = None
    name: str | None = None
    project_id: uuid.UUID | None = None
    project_code: str | None = None
    planned_date: date | None = Field(default=None, description="Forecast, else due.")


class ChainLink(BaseModel):
    hidden: bool = False
    id: uuid.UUID | None = None


class DependencyOut(BaseModel):
    id: uuid.UUID
    predecessor: MilestoneEnd
    successor: MilestoneEnd
    type: DependencyTypeName
    lag_days: int
    hard: bool
    note: str | None
    at_risk: bool = Field(
        description="The predecessor (or a slip reaching it) pushes the successor past its "
        "planned date through this dependency (docs/formulas.md)."
    )
    pushed_to: date | None = Field(description="The earliest date left to the successor.")
    slip_days: int | None = Field(description="pushed_to - the successor's planned date.")
    chain: list[ChainLink] = Field(
        description="The milestones whose slip causes it, from the first to the successor."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class DependencyPage(Page[DependencyOut]):
    pass


class DependencyListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at")
    type: list[DependencyTypeName] = many()
    at_risk: bool | None = None
    hard: bool | None = None


class DependencyFeedParams(DependencyListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()


class MilestoneDependencyParams(DependencyListParams):
    direction: Literal["in", "out"] | None = Field(
        default=None, description="in: its predecessors; out: its successors; none: both."
    )
