"""The `TimeEntry` type (actual hours, priced), its filter, and `project.timeEntries`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.relay import Connection, list_query
from pmo_api.resources import time_entries
from pmo_api.resources.time_schemas import TimeEntryListParams


@strawberry.type(description="Hours a resource worked on a project one day, and their cost.")
class TimeEntry(FromBody, body_of=time_entries.time_entry_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    resource_id: strawberry.ID
    work_date: date
    hours: float
    note: str | None
    external_ref: str | None
    rate: float | None = strawberry.field(
        description="The resource's cost rate per hour in force on workDate (null: none)."
    )
    cost: float = strawberry.field(description="hours x rate, rounded half up to the cent.")
    currency: str
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> TimeEntry:
        return from_body(cls, body)


@strawberry.input(description="As the filters of REST's time entry lists; several ids are an OR.")
class TimeEntryFilter:
    resource_id: list[strawberry.ID] | None = None
    from_: date | None = strawberry.field(
        default=None, name="from", description="workDate from (inclusive)."
    )
    to: date | None = strawberry.field(default=None, description="workDate to (inclusive).")
    q: str | None = strawberry.field(default=None, description="Text in note, externalRef.")
    updated_since: datetime | None = None


def wanted_of(f: TimeEntryFilter | None) -> time_entries.TimeEntryFilter:
    """The service's filter, checked by REST's own parameter model."""
    f = f or TimeEntryFilter()
    given = {
        "resource_id": list(f.resource_id or []),
        "from": f.from_,
        "to": f.to,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        TimeEntryListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return time_entries.TimeEntryFilter.of(params)


async def project_time_entries(
    info: Info, project_id: uuid.UUID, f: TimeEntryFilter | None, first: int, after: str | None
) -> Connection[TimeEntry]:
    """`project.timeEntries`: the first page through a DataLoader, a later one as REST."""
    pages = info.context.loaders.time_entries_by_project
    return await pages.connection(
        project_id, wanted_of(f), list_query(first, after), TimeEntry.from_row
    )
