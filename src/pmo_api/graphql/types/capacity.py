"""`CapacityRow`: one group (a role or a resource) and period of the capacity view, as a row of
GET /api/v1/capacity."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import strawberry


@strawberry.type
class Demand:
    named: float = strawberry.field(description="Hours booked on resources (not rejected).")
    unfilled: float = strawberry.field(
        description="Hours of role-only allocations, on a standard 8 h day."
    )
    total: float


@strawberry.type(description="Capacity against demand of one role or resource over one period.")
class CapacityRow:
    role_id: strawberry.ID | None = strawberry.field(
        description="groupBy ROLE: the role (null: resources without one)."
    )
    resource_id: strawberry.ID | None = strawberry.field(
        description="groupBy RESOURCE: the resource (null: unfilled demand)."
    )
    name: str | None
    period_start: date
    period_end: date
    capacity: float = strawberry.field(description="Hours the group's resources can work.")
    demand: Demand
    gap: float = strawberry.field(description="capacity - demand total (negative: short).")

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> CapacityRow:
        return cls(
            role_id=_id(row.get("role_id")),
            resource_id=_id(row.get("resource_id")),
            name=row["name"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            capacity=row["capacity"],
            demand=Demand(**row["demand"]),
            gap=row["gap"],
        )


def _id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))
