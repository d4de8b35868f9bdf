"""What crosses the API edge for roles, skills, resources, their skills, rates and time off,
holidays and allocations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.currency import CurrencyCode
from pmo_api.core.fields import EMAIL, LongText, Name, NoNul
from pmo_api.core.inputs import JsonBody, QueryModel
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.money import NonNegativeMoney
from pmo_api.core.patch import MergePatch, patch_of
from pmo_api.resources.models import AllocationMode, AllocationStatus, Grain, ResourceKind

Hours = Annotated[float, Field(ge=0, le=24, allow_inf_nan=False)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=320, pattern=EMAIL),
    NoNul,
]
Level = Annotated[int, Field(ge=1, le=5, description="1 (basic) to 5 (expert)")]


class Tracked(BaseModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


# --- roles and skills --------------------------------------------------------------------------


class RoleCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    default_rate: NonNegativeMoney | None = Field(default=None, description="Cost per hour.")
    currency: CurrencyCode = "USD"


@patch_of(RoleCreate)
class RolePatch(MergePatch):
    required_fields = frozenset({"name", "currency"})


class RoleOut(Tracked):
    name: str
    default_rate: float | None
    currency: str


class RolePage(Page[RoleOut]):
    pass


class SkillCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None


@patch_of(SkillCreate)
class SkillPatch(MergePatch):
    required_fields = frozenset({"name"})


class SkillOut(Tracked):
    name: str
    description: str | None


class SkillPage(Page[SkillOut]):
    pass


# --- resources ---------------------------------------------------------------------------------


class ResourceCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    kind: ResourceKind = ResourceKind.PERSON
    name: Name
    email: Email | None = Field(default=None, description="Unique among resources when set.")
    role_id: uuid.UUID | None = None
    hours_mon: Hours = 8.0
    hours_tue: Hours = 8.0
    hours_wed: Hours = 8.0
    hours_thu: Hours = 8.0
    hours_fri: Hours = 8.0
    hours_sat: Hours = 0.0
    hours_sun: Hours = 0.0
    availability_factor: float = Field(
        default=1.0,
        ge=0,
        le=1000,
        allow_inf_nan=False,
        description="0-1 for part-time, above 1 for a team (its working hours x the factor).",
    )
    employment_start: date | None = None
    employment_end: date | None = None
    active: bool = True


@patch_of(ResourceCreate)
class ResourcePatch(MergePatch):
    required_fields = frozenset(
        {"kind", "name", "availability_factor", "active"}
        | {f"hours_{d}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    )


class ResourceOut(Tracked):
    kind: ResourceKind
    name: str
    email: str | None
    role_id: uuid.UUID | None
    hours_mon: float
    hours_tue: float
    hours_wed: float
    hours_thu: float
    hours_fri: float
    hours_sat: float
    hours_sun: float
    availability_factor: float
    employment_start: date | None
    employment_end: date | None
    active: bool


class ResourcePage(Page[ResourceOut]):
    pass


# Each list's `sort` declares the fields its sort table takes (tests/contract/test_sorts.py).
class RoleListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "name")


class SkillListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "name")


class SkillLevelListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "level")


class RateListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "effective_from")


class TimeOffListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "start_date")


class HolidayListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "day", "name")


class ResourceListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "name")
    kind: list[ResourceKind] = many()
    role_id: list[uuid.UUID] = many()
    active: bool | None = None


class ResourceSkillCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    skill_id: uuid.UUID
    level: Level


@patch_of(ResourceSkillCreate, exclude=frozenset({"skill_id"}))
class ResourceSkillPatch(MergePatch):
    required_fields = frozenset({"level"})


class ResourceSkillOut(Tracked):
    resource_id: uuid.UUID
    skill_id: uuid.UUID
    level: int


class ResourceSkillPage(Page[ResourceSkillOut]):
    pass


class RateCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    effective_from: date = Field(description="In force from this day until the next rate's.")
    rate: NonNegativeMoney = Field(description="Cost per hour.")
    currency: CurrencyCode = "USD"


@patch_of(RateCreate)
class RatePatch(MergePatch):
    required_fields = frozenset({"effective_from", "rate", "currency"})


class RateOut(Tracked):
    resource_id: uuid.UUID
    effective_from: date
    rate: float
    currency: str


class RatePage(Page[RateOut]):
    pass


class TimeOffCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    start_date: date
    end_date: date
    hours_per_day: float | None = Field(
        default=None, gt=0, le=24, allow_inf_nan=False, description="Absent: whole days."
    )
    note: LongText | None = None


@patch_of(TimeOffCreate)
class TimeOffPatch(MergePatch):
    required_fields = frozenset({"start_date", "end_date"})


class TimeOffOut(Tracked):
    resource_id: uuid.UUID
    start_date: date
    end_date: date
    hours_per_day: float | None
    note: str | None


class TimeOffPage(Page[TimeOffOut]):
    pass


class HolidayCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    day: date
    name: Name


@patch_of(HolidayCreate)
class HolidayPatch(MergePatch):
    required_fields = frozenset({"day", "name"})


class HolidayOut(Tracked):
    day: date
    name: str


class HolidayPage(Page[HolidayOut]):
    pass


# --- allocations -------------------------------------------------------------------------------


class AllocationCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    resource_id: uuid.UUID | None = Field(default=None, description="Absent: role-only demand.")
    role_id: uuid.UUID | None = Field(default=None, description="Default: the resource's role.")
    start_date: date
    end_date: date
    mode: AllocationMode
    amount: float = Field(
        ge=0,
        le=100_000,
        allow_inf_nan=False,
        description="Hours per working day, percent of capacity, or total hours (by `mode`).",
    )
    status: AllocationStatus = AllocationStatus.TENTATIVE
    billable: bool = True
    note: LongText | None = None


@patch_of(AllocationCreate)
class AllocationPatch(MergePatch):
    required_fields = frozenset({"start_date", "end_date", "mode", "amount", "status", "billable"})


class AllocationOut(Tracked):
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    resource_id: uuid.UUID | None
    role_id: uuid.UUID | None
    start_date: date
    end_date: date
    mode: AllocationMode
    amount: float
    status: AllocationStatus
    billable: bool
    note: str | None
    warnings: list[str] = Field(
        description="On a write: what deserves a look (dates outside the project's, a resource "
        "above its capacity); empty on reads."
    )


class AllocationPage(Page[AllocationOut]):
    pass


class AllocationListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "end_date", "start_date")
    status: list[AllocationStatus] = many()
    mode: list[AllocationMode] = many()
    resource_id: list[uuid.UUID] = many()
    role_id: list[uuid.UUID] = many()


class AllocationFeedParams(AllocationListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()


# --- availability ------------------------------------------------------------------------------


class AvailabilityParams(QueryModel):
    from_: date = Field(alias="from", description="First day (inclusive).")
    to: date = Field(description="Last day (inclusive); at most 3 years after `from`.")
    grain: Grain = Grain.WEEK
    format: Literal["json", "csv"] | None = None


class Allocated(BaseModel):
    tentative: float
    requested: float
    approved: float
    total: float


class AvailabilityPeriod(BaseModel):
    period_start: date
    period_end: date
    capacity: float = Field(description="Working hours x availability factor, in hours.")
    allocated: Allocated = Field(
        description="Hours booked, by status (rejected ones book nothing); hours on projects "
        "the caller cannot see count too."
    )
    available: float = Field(description="capacity - allocated total (negative: over).")
    utilisation: float | None = Field(description="allocated total / capacity; null at 0.")


class AvailabilityOut(BaseModel):
    resource_id: uuid.UUID
    from_: date = Field(alias="from")
    to: date
    grain: Grain
    periods: list[AvailabilityPeriod]
