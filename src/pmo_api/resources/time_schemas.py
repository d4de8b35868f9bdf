"""What crosses the API edge for time entries (actual hours)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import HOURS_A_DAY, LongText, NoNul
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

ExternalRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]


class TimeEntryCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    resource_id: uuid.UUID
    work_date: date
    hours: Annotated[Decimal, HOURS_A_DAY] = Field(
        gt=0, le=24, decimal_places=2, allow_inf_nan=False, description="0.01 to 24."
    )
    note: LongText | None = None
    external_ref: ExternalRef | None = Field(
        default=None,
        description="Unique within the project: sending it again updates that entry (an "
        "import from a timesheet tool sent twice never duplicates).",
    )


@patch_of(TimeEntryCreate)
class TimeEntryPatch(MergePatch):
    required_fields = frozenset({"resource_id", "work_date", "hours"})


class TimeEntryOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    resource_id: uuid.UUID
    work_date: date
    hours: float
    note: str | None
    external_ref: str | None
    rate: float | None = Field(
        description="The resource's cost rate per hour in force on work_date (null: none)."
    )
    cost: float = Field(description="hours x rate, rounded half up to the cent (read-only).")
    currency: str
    created_at: datetime
    updated_at: datetime
    version: int


class TimeEntryPage(Page[TimeEntryOut]):
    pass


class TimeEntryListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "work_date")
    resource_id: list[uuid.UUID] = many()
    from_: date | None = Field(default=None, alias="from", description="work_date from.")
    to: date | None = Field(default=None, description="work_date to (inclusive).")


class TimeEntryFeedParams(TimeEntryListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
