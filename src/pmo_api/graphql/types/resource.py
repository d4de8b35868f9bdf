"""The `Resource` type (a person, a placeholder or a team), its `allocations` and its
`availability` per period, with the types that only exist inside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.relay import Connection, own_id
from pmo_api.graphql.types.allocation import Allocation, AllocationFilter, resource_allocations
from pmo_api.resources import availability, service
from pmo_api.resources.models import Grain as AvailabilityGrain
from pmo_api.resources.models import ResourceKind as ResourceKind

strawberry.enum(ResourceKind, description="PLACEHOLDER: an unnamed hire; TEAM: a pooled group.")
strawberry.enum(AvailabilityGrain)


def availability_periods(arguments: Mapping[str, Any]) -> int | None:
    """How many periods `availability(from, to, grain)` returns: the cost counts what was asked
    (a year by week is 53 rows, by day 365), not the bound."""
    first, last = arguments.get("from"), arguments.get("to")
    if not (isinstance(first, date) and isinstance(last, date)) or last < first:
        return None
    days = (last - first).days + 1
    grain = str(arguments.get("grain", "")).lower()
    if grain.endswith("day"):
        return days
    if grain.endswith("month"):
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return days // 7 + 2  # weeks from Monday: a partial week at each end at most


@strawberry.type
class AllocatedHours:
    tentative: float
    requested: float
    approved: float
    total: float


@strawberry.type
class AvailabilityPeriod:
    period_start: date
    period_end: date
    capacity: float = strawberry.field(description="Working hours x availability factor.")
    allocated: AllocatedHours = strawberry.field(
        description="Booked hours by status, on every project (those the caller cannot see "
        "included, unnamed)."
    )
    available: float
    utilisation: float | None

    @classmethod
    def of(cls, period: availability.Period) -> AvailabilityPeriod:
        body = period.json()
        return cls(**{**body, "allocated": AllocatedHours(**body["allocated"])})


@strawberry.type
class Resource(FromBody, body_of=service.RESOURCES.json):
    id: strawberry.ID
    kind: ResourceKind
    name: str
    email: str | None
    role_id: strawberry.ID | None
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
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Resource:
        return from_body(cls, body)

    @strawberry.field(
        description="Its allocations on the projects the caller may see, by start date."
    )
    async def allocations(
        self,
        info: Info,
        filter: AllocationFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Allocation]:
        return await resource_allocations(info, own_id(self.id), filter, first, after)

    @strawberry.field(
        description="Capacity, booked hours by status, what is left and utilisation per day, "
        "week (from Monday) or month of [from, to], as GET /resources/{id}/availability.",
        metadata=bounded(availability.MAX_DAYS, rows=availability_periods),
    )
    async def availability(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        grain: AvailabilityGrain = AvailabilityGrain.WEEK,
    ) -> list[AvailabilityPeriod]:
        availability.check_range(from_, to, ())
        loader = info.context.loaders.availability_by_resource
        periods = await loader.load((own_id(self.id), from_, to, grain))
        return [AvailabilityPeriod.of(p) for p in periods]
