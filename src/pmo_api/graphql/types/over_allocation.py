"""`OverAllocation`: a resource and date range booked above a share of its capacity, with the
allocations involved, as a row of GET /api/v1/over-allocations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import strawberry

from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.types.allocation import AllocationMode, AllocationStatus

# The most ranges and allocations a range names in GraphQL (what their cost counts: 400 x 10
# allocations of 8 fields is 36,000 of the 50,000 default); more is an error naming REST,
# which answers them all.
MOST_RANGES = 400
MOST_INVOLVED = 10


@strawberry.type(description="An allocation booking in an over-allocated range.")
class InvolvedAllocation:
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    status: AllocationStatus
    mode: AllocationMode
    amount: float
    start_date: date
    end_date: date


@strawberry.type(description="A resource booked above threshold x capacity over a date range.")
class OverAllocation:
    resource_id: strawberry.ID
    resource_name: str
    period_start: date = strawberry.field(description="The range's first day.")
    period_end: date = strawberry.field(description="The range's last day.")
    capacity: float
    allocated: float = strawberry.field(description="Hours booked (every status but rejected).")
    over_by_hours: float = strawberry.field(description="allocated - threshold x capacity.")
    utilisation: float | None
    allocations: list[InvolvedAllocation] = strawberry.field(
        description="Those booking in the range on projects the caller may see.",
        metadata=bounded(MOST_INVOLVED),
    )
    hidden_allocations: int = strawberry.field(
        description="How many more book in it, on projects the caller may not see (unnamed)."
    )

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> OverAllocation:
        involved = [
            InvolvedAllocation(
                **{
                    **a,
                    "id": strawberry.ID(str(a["id"])),
                    "project_id": strawberry.ID(str(a["project_id"])),
                }
            )
            for a in row["allocations"]
        ]
        return cls(
            **{
                **row,
                "resource_id": strawberry.ID(str(row["resource_id"])),
                "allocations": involved,
            }
        )
