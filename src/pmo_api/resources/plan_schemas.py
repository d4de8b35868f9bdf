"""What crosses the API edge for the planning views: capacity against demand."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from pmo_api.core.inputs import QueryModel
from pmo_api.core.listing import many
from pmo_api.resources.models import Grain


class CapacityParams(QueryModel):
    from_: date = Field(alias="from", description="First day (inclusive).")
    to: date = Field(description="Last day (inclusive); at most 1,100 days after `from`.")
    grain: Grain = Grain.WEEK
    group_by: Literal["role", "resource"] = "role"
    portfolio_id: list[uuid.UUID] = many()
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
