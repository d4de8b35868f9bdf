"""GraphQL for resource management: the root queries (resources, allocations), their filters
and the allocation and time entry mutations, over the same services as REST. The types are in
graphql/types/resource.py and graphql/types/allocation.py; `project.allocations` is on the
project's type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any

import strawberry

from pmo_api.core.listing import filter_of
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError, parse_input
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids
from pmo_api.graphql.types.allocation import (
    Allocation,
    AllocationFilter,
    AllocationMode,
    AllocationStatus,
    wanted_of,
)
from pmo_api.graphql.types.resource import Resource, ResourceKind
from pmo_api.graphql.types.time_entry import TimeEntry
from pmo_api.resources import allocations, service, time_entries
from pmo_api.resources.schemas import AllocationCreate, AllocationPatch, ResourceListParams
from pmo_api.resources.time_schemas import TimeEntryCreate, TimeEntryPatch


@strawberry.input(description="As the filters of GET /api/v1/resources; several values are an OR.")
class ResourceFilter:
    kind: list[ResourceKind] | None = None
    role_id: list[strawberry.ID] | None = None
    active: bool | None = None
    q: str | None = strawberry.field(default=None, description="Text search in name, email.")
    updated_since: datetime | None = None


@strawberry.input(description="AllocationFilter, and which portfolios and projects (ids or codes).")
class AllocationFeedFilter(AllocationFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class ResourceQuery:
    @strawberry.field
    async def resource(self, info: Info, id: strawberry.ID) -> Resource | None:
        return await one_by_id(info, id, service.get_resource, Resource.from_row)

    @strawberry.field(
        description="People, placeholders and teams (GET /api/v1/resources), by name."
    )
    async def resources(
        self,
        info: Info,
        filter: ResourceFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Resource]:
        f = filter or ResourceFilter()
        given = {
            "kind": [k.value for k in f.kind or []],
            "role_id": list(f.role_id or []),
            "active": f.active,
            "q": f.q,
            "updated_since": f.updated_since,
        }
        valid = {k: v for k, v in given.items() if v not in (None, [])}
        params = parse_input(ResourceListParams, valid, at="filter")
        wanted = filter_of(service.ResourceFilter, params, since_at="updatedSince")
        query = list_query(first, after)
        return await page_of(info, service.list_resources, wanted, query, Resource.from_row)

    @strawberry.field
    async def allocation(self, info: Info, id: strawberry.ID) -> Allocation | None:
        return await one_by_id(info, id, allocations.get_allocation, Allocation.from_row)

    @strawberry.field(
        description="Allocations on the projects the caller may see (GET /api/v1/allocations), "
        "by start date."
    )
    async def allocations(
        self,
        info: Info,
        filter: AllocationFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Allocation]:
        f = filter or AllocationFeedFilter()
        wanted = replace(
            wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(info, allocations.list_allocations, wanted, query, Allocation.from_row)


@strawberry.input
class AllocationCreateInput:
    resource_id: strawberry.ID | None = strawberry.field(
        default=None, description="Absent: role-only demand."
    )
    role_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: the resource's role."
    )
    start_date: date
    end_date: date
    mode: AllocationMode
    amount: float = strawberry.field(
        description="Hours per working day, percent of capacity, or total hours (by mode)."
    )
    status: AllocationStatus | None = strawberry.field(
        default=strawberry.UNSET, description="TENTATIVE."
    )
    billable: bool | None = strawberry.field(default=strawberry.UNSET, description="true.")
    note: str | None = None


@patch_of(AllocationCreateInput)
class AllocationPatchInput:
    """AllocationCreateInput's fields, each optional."""


@strawberry.input
class TimeEntryCreateInput:
    resource_id: strawberry.ID
    work_date: date
    hours: float = strawberry.field(description="0.01 to 24, at most 2 decimals.")
    note: str | None = None
    external_ref: str | None = strawberry.field(
        default=None,
        description="Unique within the project: sending it again updates that entry.",
    )


@patch_of(TimeEntryCreateInput)
class TimeEntryPatchInput:
    """TimeEntryCreateInput's fields, each optional."""


@strawberry.type
class RecordedTimeEntry:
    time_entry: TimeEntry
    created: bool = strawberry.field(
        description="false when the project already had the externalRef: that entry was updated."
    )

    @classmethod
    def from_result(cls, result: tuple[Mapping[Any, Any], bool]) -> RecordedTimeEntry:
        """From time_entries.record_time_entry: the entry, and whether it was created."""
        row, was_created = result
        return cls(time_entry=TimeEntry.from_row(row), created=was_created)


AllocationResult = Annotated[Allocation | AnyUserError, strawberry.union("AllocationResult")]
TimeEntryResult = Annotated[TimeEntry | AnyUserError, strawberry.union("TimeEntryResult")]
RecordTimeEntryResult = Annotated[
    RecordedTimeEntry | AnyUserError, strawberry.union("RecordTimeEntryResult")
]


@strawberry.type
class ResourceMutation:
    @strawberry.mutation(
        description="Book a resource (or a role: unfilled demand) on a project named by id or "
        "code (editor); accepted with warnings outside the project's dates or above capacity."
    )
    async def create_allocation(
        self, info: Info, project: str, input: AllocationCreateInput
    ) -> AllocationResult:
        create = partial(allocations.create_allocation, ref=project)
        return await created(info, AllocationCreate, input, create, Allocation.from_row)

    update_allocation = update_mutation(
        "allocation",
        AllocationPatchInput,
        AllocationPatch,
        allocations.update_allocation,
        Allocation.from_row,
        AllocationResult,
        description="Merge-patch an allocation (editor), with its warnings.",
    )
    delete_allocation = delete_mutation(
        "allocation", allocations.delete_allocation, description="Remove an allocation (editor)."
    )

    @strawberry.mutation(
        description="Record hours a resource worked on a project (id or code) one day (editor), "
        "priced at its rate that day; with an externalRef the project already has, that entry is "
        "updated instead (created: false)."
    )
    async def record_time_entry(
        self, info: Info, project: str, input: TimeEntryCreateInput
    ) -> RecordTimeEntryResult:
        record = partial(time_entries.record_time_entry, ref=project)
        return await created(info, TimeEntryCreate, input, record, RecordedTimeEntry.from_result)

    update_time_entry = update_mutation(
        "time entry",
        TimeEntryPatchInput,
        TimeEntryPatch,
        time_entries.update_time_entry,
        TimeEntry.from_row,
        TimeEntryResult,
        description="Merge-patch a time entry (editor), priced again.",
    )
    delete_time_entry = delete_mutation(
        "time entry", time_entries.delete_time_entry, description="Remove a time entry (editor)."
    )
