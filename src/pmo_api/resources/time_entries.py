"""Rules for time entries: the hours a resource worked on a project one day. They belong to the
project, so they are read under the scope rule and written by the editors of its portfolio.
Each is priced when written (resources/pricing.py) and its cost is part of the project's
actual cost (evm/actuals.py): every write rebuilds the project's aggregates, as a cost write
does. An `external_ref` names one entry of its project, so an import sent twice updates."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.access.scope import readable_fields
from pmo_api.core.crud import changed_only, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.listing import Listing, filter_of, narrowed, narrowing
from pmo_api.core.money import from_minor
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.evm import aggregates
from pmo_api.projects.children import ChildWrites
from pmo_api.projects.repository import in_groups, named
from pmo_api.projects.service import visible_project, within_project
from pmo_api.resources import pricing
from pmo_api.resources.models import resources, time_entries
from pmo_api.resources.time_schemas import TimeEntryCreate, TimeEntryListParams

FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "resource_id",
    "work_date",
    "hours",
    "note",
    "external_ref",
    "rate",
    "cost",
    "currency",
    "created_at",
    "updated_at",
    "version",
)
SORTS = {
    **tracked_sorts(time_entries),
    "work_date": SortField("work_date", time_entries.c.work_date, "date"),
}


def presented(principal: Principal) -> Select[Any]:
    """Time entries of the projects the caller may see, as the API shows them."""
    return readable_fields(principal, time_entries, FIELDS)


def time_entry_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {n: row[n] for n in FIELDS}
    body["rate"], body["cost"] = from_minor(row["rate"]), from_minor(row["cost"])
    return body


async def get_time_entry(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(time_entries.c.id == object_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def visible_time_entry(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await get_time_entry(conn, principal, object_id), f"time entry {object_id}")


@dataclass(frozen=True)
class TimeEntryFilter:
    """The filters of the time entry lists: the feed and one project's (`project`). Several
    values of one filter are an OR. Hashable: part of a DataLoader's key."""

    project: str | None = None
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    resource_id: tuple[uuid.UUID, ...] = ()
    from_: date | None = None  # work_date, inclusive
    to: date | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: TimeEntryListParams, *, project: str | None = None) -> TimeEntryFilter:
        return filter_of(cls, params, project=project)


async def list_time_entries(
    conn: AsyncConnection,
    principal: Principal,
    filter: TimeEntryFilter,
    *,
    sort: str | None = None,
) -> Listing:
    """The time entries the caller may see that match `filter`: the feed, a project's, their
    CSV and GraphQL's alike."""
    stmt = await within_project(
        conn, principal, presented(principal), time_entries.c.project_id, filter.project
    )
    if filter.projects:
        stmt = stmt.where(named(filter.projects, time_entries.c.project_id))
    if filter.from_ is not None:
        stmt = stmt.where(time_entries.c.work_date >= filter.from_)
    if filter.to is not None:
        stmt = stmt.where(time_entries.c.work_date <= filter.to)
    f = narrowing(filter, "project")
    stmt = narrowed(
        stmt,
        time_entries,
        among=(
            *in_groups(f["portfolio_ids"], f["program_ids"]),
            (time_entries.c.resource_id, f["resource_id"]),
        ),
        q=f["q"],
        search=(time_entries.c.note, time_entries.c.external_ref),
        updated_since=f["updated_since"],
    )
    return Listing(stmt, sort_of(sort))


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "work_date")


TIME_ENTRY_ORDER = sort_of(None)  # GraphQL's connections of time entries have no other


async def _priced(
    conn: AsyncConnection, row: Mapping[str, Any], currency: str, at: str = "resource_id"
) -> dict[str, Any]:
    """The entry's values with its price: the resource must exist, and its rate in force that
    day be in the project's currency (a 422 naming `at` otherwise)."""
    values = dict(row)
    resource = select(resources.c.id).where(resources.c.id == values["resource_id"])
    if (await conn.execute(resource)).first() is None:
        msg = f"resource {values['resource_id']} does not exist"
        raise Invalid.field(["body", "resource_id"], msg, "not_found")
    values["hours"] = float(values["hours"])
    rates = await pricing.rates_of(conn, values["resource_id"])
    rate = pricing.in_force(rates, values["work_date"])
    pricing.checked(rate, currency, values["resource_id"], values["work_date"], ["body", at])
    values["rate"] = None if rate is None else rate.rate
    values["cost"] = pricing.price(values["hours"], values["rate"])
    return values


async def _by_ref(
    conn: AsyncConnection, principal: Principal, project_id: uuid.UUID, ref: str
) -> RowMapping | None:
    stmt = presented(principal).where(
        time_entries.c.project_id == project_id, time_entries.c.external_ref == ref
    )
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def _values(fields: dict[str, Any]) -> dict[str, Any]:
    """Hours as stored (a number; the body's 2 decimals keep it exact enough to price)."""
    if fields.get("hours") is not None:
        fields["hours"] = float(fields["hours"])
    return fields


async def record_time_entry(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: TimeEntryCreate
) -> tuple[RowMapping, bool]:
    """Record a time entry; one whose `external_ref` the project already has updates that
    entry instead. Returns the entry and whether it was created."""
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = await _priced(conn, data.model_dump(), project["currency"])
    if data.external_ref is not None:
        existing = await _by_ref(conn, principal, project["id"], data.external_ref)
        if existing is not None:
            changes = changed_only(existing, values)
            if changes:
                await update_row(conn, time_entries, existing, changes, actor=principal)
                await aggregates.refresh(conn, [project["id"]])
            return await visible_time_entry(conn, principal, existing["id"]), False
    new = await insert_row(
        conn, time_entries, {"project_id": project["id"], **values}, actor=principal
    )
    await aggregates.refresh(conn, [project["id"]])
    return await visible_time_entry(conn, principal, new), True


async def _check_update(
    conn: AsyncConnection, principal: Principal, current: Mapping[Any, Any], changes: dict[str, Any]
) -> None:
    """An external_ref names one entry of its project; a new resource, day or hours is priced
    again (ChildWrites writes `changes`, so the new price joins them)."""
    ref = changes.get("external_ref")
    if ref is not None and await _by_ref(conn, principal, current["project_id"], ref) is not None:
        raise Conflict(f"the project already has a time entry with external_ref '{ref}'")
    if {"resource_id", "work_date", "hours"} & changes.keys():
        merged = await _priced(conn, {**current, **changes}, current["currency"])
        for name in ("hours", "rate", "cost"):
            if merged[name] != current[name]:
                changes[name] = merged[name]


# Recording an entry (record_time_entry) is an upsert of its own; updates and deletes the usual.
TIME_ENTRIES = ChildWrites(
    time_entries, visible_time_entry, aggregates.refresh, _values, check_update=_check_update
)
update_time_entry = TIME_ENTRIES.update
delete_time_entry = TIME_ENTRIES.delete
