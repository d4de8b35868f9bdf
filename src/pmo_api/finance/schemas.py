"""What crosses the API edge for milestones, the budget baseline, costs, progress and earned
value."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import LongText, Name, NoNul
from pmo_api.core.inputs import JsonBody, QueryModel
from pmo_api.core.listing import ListParams, many
from pmo_api.core.money import Money, NonNegativeMoney
from pmo_api.core.patch import MergePatch

# A milestone's weight against its siblings: > 0, at most 3 decimals (stored in thousandths).
MilestoneWeight = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=10, decimal_places=3)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Category = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul
]
ExternalRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
# Years 0001 to 9999: a date has no year 0 (0000-01 was a 500 where the month became a date).
Period = Annotated[
    str,
    StringConstraints(
        pattern=r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])$"
    ),
]
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
    created_at: datetime
    updated_at: datetime
    version: int


class BudgetLinePage(BaseModel):
    data: list[BudgetLineOut]
    next_cursor: str | None


class BudgetLineListParams(ListParams):
    baseline: int | None = Field(
        default=None, ge=1, le=1_000_000, description="An earlier baseline (default: current)."
    )
    category: list[str] = many()


class BaselineOut(BaseModel):
    project_id: uuid.UUID
    baseline: int = Field(description="Its number: 1 for the first, one more per re-baseline.")
    bac: float = Field(description="The sum of the lines: the project's budget from now on.")
    currency: str
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


class CostPatch(MergePatch):
    required_fields = frozenset({"incurred_on", "amount"})

    incurred_on: date | None = None
    amount: Money | None = None
    category: Category | None = None
    description: LongText | None = None
    external_ref: ExternalRef | None = None


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


class CostPage(BaseModel):
    data: list[CostOut]
    next_cursor: str | None


class CostListParams(ListParams):
    category: list[str] = many()
    from_: date | None = Field(default=None, alias="from", description="incurred_on from.")
    to: date | None = Field(default=None, description="incurred_on to (inclusive).")


class CostFeedParams(CostListParams):
    portfolio_id: list[uuid.UUID] = many()
    project: list[str] = many()


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


# --- earned value -------------------------------------------------------------------------------


class Figures(BaseModel):
    """CONTRACT §4: money with 2 decimals, ratios and percents with 4; null where undefined."""

    bac: float
    pv: float
    ev: float
    ac: float
    cv: float
    sv: float
    cv_percent: float | None
    sv_percent: float | None
    cpi: float | None
    spi: float | None
    eac: float | None
    eac_atypical: float
    eac_composite: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None
    percent_complete: float | None
    percent_spent: float | None


class EarnedSchedule(BaseModel):
    at_days: int | None
    es_days: float | None
    spi_t: float | None
    sv_t_days: float | None
    forecast_finish: date | None


class EvmPoint(Figures, EarnedSchedule):
    as_of: date


class ProjectEvmOut(EvmPoint):
    project_id: uuid.UUID
    code: str
    currency: str
    ev_method: str


class EvmSeriesOut(BaseModel):
    project_id: uuid.UUID
    code: str
    currency: str
    interval: Literal["month", "week"]
    data: list[EvmPoint]


class PortfolioEvmRow(Figures):
    project_id: uuid.UUID
    code: str
    name: str
    status: str


class PortfolioEvmOut(BaseModel):
    portfolio_id: uuid.UUID
    as_of: date
    currency: str
    rollup: Figures = Field(
        description="Sums of the projects' BAC, PV, EV and AC (as shown in their rows), with "
        "every index computed from those sums."
    )
    projects: list[PortfolioEvmRow]


class VarianceRow(BaseModel):
    key: str | None
    planned: float
    actual: float
    variance: float = Field(description="planned - actual")
    variance_percent: float | None


class CostVarianceOut(BaseModel):
    project_id: uuid.UUID
    as_of: date
    group_by: Literal["category", "month"]
    currency: str
    data: list[VarianceRow]


class AsOfParams(QueryModel):
    as_of: date | None = Field(default=None, description="Default: today (UTC).")


class AsOfCsvParams(AsOfParams):
    format: Literal["json", "csv"] | None = None


class SeriesParams(QueryModel):
    from_: date | None = Field(default=None, alias="from", description="Default: start_date.")
    to: date | None = Field(default=None, description="Default: finish_date, else today.")
    interval: Literal["month", "week"] = "month"
    format: Literal["json", "csv"] | None = None


class CostVarianceParams(QueryModel):
    as_of: date | None = None
    group_by: Literal["category", "month"] = "category"
