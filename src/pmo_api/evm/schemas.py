"""What crosses the API edge for earned value: figures, series, cost variance, portfolio rollups."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from pmo_api.core.inputs import AsOfParams, QueryModel

# --- earned value -------------------------------------------------------------------------------


# formulas.FIGURES, typed: GraphQL's EarnedValue interface is derived from this model, and
# tests/test_evm_figures.py checks that the three agree.
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
    portfolio_id: uuid.UUID
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
