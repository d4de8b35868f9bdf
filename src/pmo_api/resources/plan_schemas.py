"""What crosses the API edge for the planning views: capacity against demand, over-allocations
and a project's resources."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from pmo_api.core.inputs import QueryModel
from pmo_api.core.listing import many
from pmo_api.resources.models import AllocationMode, AllocationStatus, Grain


class CapacityParams(QueryModel):
    from_: date = Field(alias="from", description="First day (inclusive).")
    to: date = Field(description="Last day (inclusive); at most 1,100 days after `from`.")
    grain: Grain = Grain.WEEK
    group_by: Literal["role", "resource"] = "role"
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    format: Literal["json", "csv"] | None = None


class Demand(BaseModel):
    named: float = Field(description="Hours booked on resources (every status but rejected).")
    unfilled: float = Field(description="Hours of role-only allocations, on a standard 8 h day.")
    total: float


class CapacityRow(BaseModel):
    role_id: uuid.UUID | None = Field(
        default=None, description="group_by=role: the role (null: resources without one)."
    )
    resource_id: uuid.UUID | None = Field(
        default=None, description="group_by=resource: the resource (null: unfilled demand)."
    )
    name: str | None
    period_start: date
    period_end: date
    capacity: float = Field(description="Hours the group's resources can work.")
    demand: Demand
    gap: float = Field(description="capacity - demand total (negative: short).")


class CapacityOut(BaseModel):
    from_: date = Field(alias="from")
    to: date
    grain: Grain
    group_by: Literal["role", "resource"]
    data: list[CapacityRow]


class ProjectResourcesParams(QueryModel):
    from_: date | None = Field(
        default=None,
        alias="from",
        description="First day; default the project's start, else its first allocation or entry.",
    )
    to: date | None = Field(
        default=None,
        description="Last day; default the project's finish, else its last allocation or entry.",
    )
    grain: Grain = Grain.MONTH
    format: Literal["json", "csv"] | None = None
    table: Literal["people", "roles", "burn"] = Field(
        default="people",
        description="CSV only: which of the view's tables (a CSV holds one).",
    )


class PersonHours(BaseModel):
    resource_id: uuid.UUID
    name: str | None
    role_id: uuid.UUID | None = Field(description="The resource's role (today).")
    planned_hours: float = Field(description="Booked by the project's allocations of it.")
    actual_hours: float = Field(description="Its time entries on the project.")
    actual_cost: float


class RoleHours(BaseModel):
    role_id: uuid.UUID | None
    name: str | None
    planned_hours: float = Field(description="Named (by the allocation's role) and unfilled.")
    unfilled_hours: float = Field(description="Of which role-only allocations.")
    actual_hours: float = Field(description="Time entries of the resources with this role.")
    actual_cost: float


class BurnPeriod(BaseModel):
    period_start: date
    period_end: date
    actual_cost: float = Field(description="Cost entries and time entries: the actual cost.")
    labour_cost: float = Field(description="Of which time entries.")
    hours: float = Field(description="Hours of the time entries.")


class ProjectResourcesOut(BaseModel):
    project_id: uuid.UUID
    from_: date = Field(alias="from")
    to: date
    grain: Grain
    currency: str
    people: list[PersonHours]
    roles: list[RoleHours]
    burn: list[BurnPeriod]


class OverAllocationParams(QueryModel):
    from_: date = Field(alias="from", description="First day (inclusive).")
    to: date = Field(description="Last day (inclusive); at most 1,100 days after `from`.")
    threshold: float = Field(
        default=1.0,
        gt=0,
        le=100,
        allow_inf_nan=False,
        description="A period counts when booked above threshold x capacity.",
    )
    grain: Grain = Field(
        default=Grain.DAY, description="The periods judged; adjacent ones above make one range."
    )
    limit: int = Field(
        default=100,
        ge=1,
        le=500,
        description="Resources per page (each with all its ranges), 1 to 500; CSV has them all.",
    )
    cursor: str | None = Field(
        default=None,
        max_length=2000,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="`next_cursor` of the previous page (opaque).",
    )
    format: Literal["json", "csv"] | None = None


class InvolvedAllocation(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    status: AllocationStatus
    mode: AllocationMode
    amount: float
    start_date: date
    end_date: date


class OverAllocation(BaseModel):
    resource_id: uuid.UUID
    resource_name: str
    period_start: date = Field(description="The range's first day.")
    period_end: date = Field(description="The range's last day.")
    capacity: float
    allocated: float = Field(description="Hours booked (every status but rejected).")
    over_by_hours: float = Field(description="allocated - threshold x capacity.")
    utilisation: float | None = Field(description="allocated / capacity; null at 0.")
    allocations: list[InvolvedAllocation] = Field(
        description="The allocations booking in the range, on projects the caller may see."
    )
    hidden_allocations: int = Field(
        description="How many more book in it, on projects the caller may not see (unnamed)."
    )


class OverAllocationsOut(BaseModel):
    from_: date = Field(alias="from")
    to: date
    threshold: float
    grain: Grain
    data: list[OverAllocation] = Field(description="By resource name, then date.")
    next_cursor: str | None = Field(
        description="The cursor of the next page of resources (null: this is the last)."
    )
