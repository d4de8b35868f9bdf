"""GraphQL of the planning views: capacity against demand and over-allocations, over the same
services as GET /api/v1/capacity and /over-allocations. The types are in
graphql/types/capacity.py and graphql/types/over_allocation.py."""

from __future__ import annotations

import uuid
from collections.abc import Sized
from datetime import date
from enum import StrEnum
from typing import Annotated

import strawberry

from pmo_api.core.errors import Invalid
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.relay import parse_ids
from pmo_api.graphql.types.capacity import CapacityRow
from pmo_api.graphql.types.over_allocation import MOST_INVOLVED, MOST_RANGES, OverAllocation
from pmo_api.resources import availability, capacity, over_allocation
from pmo_api.resources.models import Grain as AvailabilityGrain

# The most rows a planning view answers in GraphQL (what its cost counts: a year by week of 38
# roles). A bigger view is an error naming REST's CSV, which streams any size.
MOST_ROWS = 2000


@strawberry.enum(description="The groups of the capacity view.")
class CapacityGroup(StrEnum):
    ROLE = "role"
    RESOURCE = "resource"


def _within(rows: Sized, most: int, path: str, what: str) -> None:
    if len(rows) > most:
        msg = (
            f"{what} has {len(rows)} rows, GraphQL answers at most {most}: narrow from and to, "
            f"take a coarser grain, or read {path} (CSV streams any size)"
        )
        raise Invalid.field(["to"], msg, "too_many_rows")


@strawberry.type
class PlanQuery:
    @strawberry.field(
        description="Capacity against demand (named and unfilled) and the gap per role or "
        "resource and period of [from, to], as GET /api/v1/capacity; demand counts every live "
        "project, hidden ones unnamed; portfolioId (programId) narrows it to those portfolios' "
        "(programmes') projects.",
        metadata=bounded(MOST_ROWS),
    )
    async def capacity(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        grain: AvailabilityGrain = AvailabilityGrain.WEEK,
        group_by: CapacityGroup = CapacityGroup.ROLE,
        portfolio_id: list[strawberry.ID] | None = None,
        program_id: list[strawberry.ID] | None = None,
    ) -> list[CapacityRow]:
        availability.check_range(from_, to, ())
        portfolios: list[uuid.UUID] = parse_ids(portfolio_id)
        programs: list[uuid.UUID] = parse_ids(program_id)
        ctx = info.context
        async with ctx.db.read() as conn:
            rows = await capacity.capacity(
                conn, ctx.principal, from_, to, grain, group_by.value, portfolios, programs
            )
        _within(rows, MOST_ROWS, "GET /api/v1/capacity", "the capacity view")
        return [CapacityRow.of(r) for r in rows]

    @strawberry.field(
        description="Each resource and date range of [from, to] booked above threshold x its "
        "capacity (judged per grain, adjacent periods one range), by how much, and the "
        "allocations involved, as GET /api/v1/over-allocations.",
        metadata=bounded(MOST_RANGES),
    )
    async def over_allocations(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        threshold: float = 1.0,
        grain: AvailabilityGrain = AvailabilityGrain.DAY,
    ) -> list[OverAllocation]:
        if not 0 < threshold <= 100:
            raise Invalid.field(["threshold"], "threshold is above 0, at most 100", "out_of_range")
        ctx = info.context
        async with ctx.db.read() as conn:
            body = await over_allocation.over_allocations(
                conn, ctx.principal, from_, to, threshold, grain, at=()
            )
        rows = body["data"]
        path = "GET /api/v1/over-allocations"
        _within(rows, MOST_RANGES, path, "the over-allocation list")
        for row in rows:
            _within(row["allocations"], MOST_INVOLVED, path, "an over-allocated range")
        return [OverAllocation.of(r) for r in rows]
