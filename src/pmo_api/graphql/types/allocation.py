"""The `Allocation` type, its enums (resource management's own StrEnums), its filter, and the
connections of a project's and a resource's allocations."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.reads import page_of
from pmo_api.graphql.relay import Connection, list_query
from pmo_api.resources import allocations
from pmo_api.resources.models import AllocationMode as AllocationMode
from pmo_api.resources.models import AllocationStatus as AllocationStatus
from pmo_api.resources.schemas import AllocationListParams

strawberry.enum(
    AllocationMode,
    description="HOURS_PER_DAY: amount hours each working day; PERCENT: amount % of each "
    "day's capacity; TOTAL_HOURS: amount hours spread evenly over the working days.",
)
strawberry.enum(AllocationStatus, description="REJECTED allocations book nothing.")


@strawberry.type
class Allocation(FromBody, body_of=allocations.allocation_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    resource_id: strawberry.ID | None = strawberry.field(description="Null: role-only demand.")
    role_id: strawberry.ID | None
    start_date: date
    end_date: date
    mode: AllocationMode
    amount: float
    status: AllocationStatus
    billable: bool
    note: str | None
    warnings: list[str] = strawberry.field(
        description="On a write: dates outside the project's, a resource above its capacity."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Allocation:
        return from_body(cls, body)


@strawberry.input(
    description="As the filters of REST's allocation lists; several values are an OR."
)
class AllocationFilter:
    status: list[AllocationStatus] | None = None
    mode: list[AllocationMode] | None = None
    resource_id: list[strawberry.ID] | None = None
    role_id: list[strawberry.ID] | None = None
    q: str | None = strawberry.field(default=None, description="Text search in the note.")
    updated_since: datetime | None = None


def wanted_of(f: AllocationFilter | None) -> allocations.AllocationFilter:
    """The service's filter, checked by REST's own parameter model."""
    f = f or AllocationFilter()
    given = {
        "status": [s.value for s in f.status or []],
        "mode": [m.value for m in f.mode or []],
        "resource_id": list(f.resource_id or []),
        "role_id": list(f.role_id or []),
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        AllocationListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return allocations.AllocationFilter.of(params)


async def project_allocations(
    info: Info, project_id: uuid.UUID, f: AllocationFilter | None, first: int, after: str | None
) -> Connection[Allocation]:
    """`project.allocations`: the first page through a DataLoader, a later one as REST."""
    pages = info.context.loaders.allocations_by_project
    return await pages.connection(
        project_id, wanted_of(f), list_query(first, after), Allocation.from_row
    )


async def resource_allocations(
    info: Info, resource_id: uuid.UUID, f: AllocationFilter | None, first: int, after: str | None
) -> Connection[Allocation]:
    """`resource.allocations` (on the projects the caller may see): the first page through a
    DataLoader, a later one read alone for the resource."""
    query = list_query(first, after)
    wanted = wanted_of(f)
    if after is None:
        pages = info.context.loaders.allocations_by_resource
        return await pages.connection(resource_id, wanted, query, Allocation.from_row)
    alone = replace(wanted, resource_id=(resource_id,))
    return await page_of(info, allocations.list_allocations, alone, query, Allocation.from_row)
