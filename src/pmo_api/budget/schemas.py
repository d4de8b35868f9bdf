"""What crosses the API edge for the budget baseline and costs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import NOT_BLANK, Category, LongText, NoNul
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.money import Money, NonNegativeMoney
from pmo_api.core.patch import MergePatch, patch_of

ExternalRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK),
    NoNul,
]
# Years 0001 to 9999: a date has no year 0 (0000-01 was a 500 where the month became a date).
Period = Annotated[
    str,
    StringConstraints(
        pattern=r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])$"
    ),
]


# --- budget baseline ----------------------------------------------------------------------------


class BudgetLineIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    period: Period = Field(description="A month, `YYYY-MM`.")
    category: Category = "general"
    amount: NonNegativeMoney


class BaselinePut(JsonBody):
    model_config = ConfigDict(extra="forbid")

    lines: list[BudgetLineIn] = Field(max_length=5000)


class BudgetLineOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    baseline: int
    period: str
    category: str
    amount: float
    change_request_id: uuid.UUID | None = Field(
        description="The change request whose approval made this baseline, if one did."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class BudgetLinePage(Page[BudgetLineOut]):
    pass


class BudgetLineListParams(ListParams):
    sort: str | None = sorted_by("amount", "category", "created_at", "id", "period", "updated_at")
    baseline: int | None = Field(
        default=None, ge=1, le=1_000_000, description="An earlier baseline (default: current)."
    )
    category: list[str] = many()


class BaselineOut(BaseModel):
    project_id: uuid.UUID
    baseline: int = Field(description="Its number: 1 for the first, one more per re-baseline.")
    bac: float = Field(description="The sum of the lines: the project's budget from now on.")
    currency: str
    change_request_id: uuid.UUID | None = Field(
        description="The change request whose approval made this baseline, if one did."
    )
    lines: list[BudgetLineOut]


# --- costs --------------------------------------------------------------------------------------


class CostCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    incurred_on: date
    amount: Money = Field(description="Negative for a credit.")
    category: Category | None = None
    description: LongText | None = None
    external_ref: ExternalRef | None = Field(
        default=None,
        description="Unique within the project: sending it again updates that entry.",
    )


@patch_of(CostCreate)
class CostPatch(MergePatch):
    required_fields = frozenset({"incurred_on", "amount"})


class CostOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    incurred_on: date
    amount: float
    currency: str
    category: str | None
    description: str | None
    external_ref: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class CostPage(Page[CostOut]):
    pass


class CostListParams(ListParams):
    sort: str | None = sorted_by("amount", "created_at", "id", "incurred_on", "updated_at")
    category: list[str] = many()
    from_: date | None = Field(default=None, alias="from", description="incurred_on from.")
    to: date | None = Field(default=None, description="incurred_on to (inclusive).")


class CostFeedParams(CostListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
