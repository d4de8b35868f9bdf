"""What crosses the API edge for KPIs, their measurements and values."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pmo_api.core.fields import LongText, Name, NoNul
from pmo_api.core.inputs import JsonBody, QueryModel
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

KPI_CODE = r"^[a-z][a-z0-9_]*$"
KpiCode = Annotated[str, StringConstraints(pattern=KPI_CODE, max_length=50)]
Direction = Literal["higher_is_better", "lower_is_better"]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50), NoNul]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Rag = Literal["green", "amber", "red"]


def check_thresholds(direction: str | None, amber: float | None, red: float | None) -> None:
    if direction is None or amber is None or red is None:
        return
    if direction == "higher_is_better" and red > amber:
        raise ValueError("for higher_is_better, red_threshold must not be above amber_threshold")
    if direction == "lower_is_better" and red < amber:
        raise ValueError("for lower_is_better, red_threshold must not be below amber_threshold")


class KpiCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    code: KpiCode
    name: Name
    description: LongText | None = None
    unit: Unit | None = None
    direction: Direction
    target: Number | None = None
    amber_threshold: Number | None = None
    red_threshold: Number | None = None

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> KpiCreate:
        check_thresholds(self.direction, self.amber_threshold, self.red_threshold)
        return self


@patch_of(KpiCreate, exclude=frozenset({"code"}))
class KpiPatch(MergePatch):
    required_fields = frozenset({"name", "direction"})


class KpiOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    description: str | None
    unit: str | None
    direction: Direction
    target: float | None
    amber_threshold: float | None
    red_threshold: float | None
    computed: bool = Field(
        description="Built in: its values are computed from earned value and the risk "
        "register, never measured."
    )
    applies_to: Literal["project", "resource"] = Field(
        description="What its values are about: a project (GET /projects/{project}/kpis, "
        "/kpi-values) or a resource (/resource-kpi-values)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class KpiPage(Page[KpiOut]):
    pass


class MeasurementListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "measured_on", "updated_at")


class KpiListParams(ListParams):
    sort: str | None = sorted_by("code", "created_at", "id", "name", "updated_at")
    direction: list[Direction] = many()
    computed: bool | None = None


class MeasurementCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    measured_on: date
    value: Number
    note: LongText | None = None


class MeasurementOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    kpi_code: str
    measured_on: date
    value: float
    status: Rag | None
    target: float | None
    variance_to_target: float | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class MeasurementPage(Page[MeasurementOut]):
    pass


class ProjectKpi(BaseModel):
    kpi_code: str
    name: str
    unit: str | None
    direction: Direction
    computed: bool
    value: float | None
    measured_on: date | None = Field(description="The measurement's date, or today's.")
    status: Rag | None
    target: float | None
    variance_to_target: float | None


class ProjectKpisOut(BaseModel):
    project_id: uuid.UUID
    code: str
    as_of: date
    data: list[ProjectKpi]


class KpiValue(BaseModel):
    portfolio_id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    kpi_code: str
    measured_on: date
    value: float | None
    status: Rag | None
    computed: bool
    updated_at: datetime


class KpiValuePage(Page[KpiValue]):
    pass


class KpiValueParams(QueryModel):
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
    kpi: list[Annotated[str, StringConstraints(max_length=50)]] = many()
    from_: date | None = Field(
        default=None, alias="from", description="Default: a year before `to`."
    )
    to: date | None = Field(default=None, description="Default: today.")
    updated_since: datetime | None = None
    format: Literal["json", "csv"] | None = None


class ResourceKpiValue(BaseModel):
    resource_id: uuid.UUID
    resource_name: str
    role_id: uuid.UUID | None = Field(description="The resource's role today.")
    kpi_code: str
    measured_on: date = Field(
        description="The last day of the calendar month that the value covers."
    )
    value: float | None
    status: Rag | None


class ResourceKpiValuePage(Page[ResourceKpiValue]):
    pass


class ResourceKpiValueParams(QueryModel):
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)
    resource_id: list[uuid.UUID] = many()
    role_id: list[uuid.UUID] = many()
    kpi: list[Annotated[str, StringConstraints(max_length=50)]] = many()
    from_: date | None = Field(
        default=None, alias="from", description="Default: a year before `to`."
    )
    to: date | None = Field(
        default=None, description="Default: today. May be in the future: allocations are plans."
    )
    format: Literal["json", "csv"] | None = None
