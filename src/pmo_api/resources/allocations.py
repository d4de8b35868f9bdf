"""Rules for allocations: a resource (or only a role: unfilled demand) booked on a project.
They belong to the project, so they are read under the scope rule and written by the editors
of its portfolio; a write that deserves a look (dates outside the project's, a resource above
its capacity) is accepted and says so in `warnings`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.access.scope import readable_fields
from pmo_api.core.crud import changed_only, delete_row, insert_row
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowed, narrowing
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.db.database import settings_of
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.models import projects as project_rows
from pmo_api.projects.repository import named
from pmo_api.projects.service import visible_project, within_project
from pmo_api.resources import availability
from pmo_api.resources.catalog import ordered
from pmo_api.resources.models import AllocationStatus, Grain, allocations, resource_roles, resources
from pmo_api.resources.schemas import AllocationCreate, AllocationListParams, AllocationPatch

FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "resource_id",
    "role_id",
    "start_date",
    "end_date",
    "mode",
    "amount",
    "status",
    "billable",
    "note",
    "created_at",
    "updated_at",
    "version",
)
SORTS = {
    **tracked_sorts(allocations),
    "start_date": SortField("start_date", allocations.c.start_date, "date"),
    "end_date": SortField("end_date", allocations.c.end_date, "date"),
}


def presented(principal: Principal) -> Select[Any]:
    """Allocations of the projects the caller may see, as the API shows them."""
    return readable_fields(principal, allocations, FIELDS)


def allocation_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {**{n: row[n] for n in FIELDS}, "warnings": list(row.get("warnings", ()))}


async def get_allocation(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(allocations.c.id == object_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def visible_allocation(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await get_allocation(conn, principal, object_id), f"allocation {object_id}")


@dataclass(frozen=True)
class AllocationFilter:
    """The filters of the allocation lists: the feed and one project's (`project`). Several
    values of one filter are an OR. Hashable: part of a DataLoader's key."""

    project: str | None = None
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    resource_id: tuple[uuid.UUID, ...] = ()
    role_id: tuple[uuid.UUID, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: AllocationListParams, *, project: str | None = None) -> AllocationFilter:
        return filter_of(cls, params, project=project)


def _filtered(stmt: Select[Any], *, projects: tuple[str, ...] = (), **f: Any) -> Select[Any]:
    if projects:
        stmt = stmt.where(named(projects, allocations.c.project_id))
    columns = {
        "portfolio_ids": project_rows.c.portfolio_id,
        "program_ids": project_rows.c.program_id,
        "status": allocations.c.status,
        "mode": allocations.c.mode,
        "resource_id": allocations.c.resource_id,
        "role_id": allocations.c.role_id,
    }
    among = [(columns[name], f[name]) for name in columns]
    return narrowed(
        stmt,
        allocations,
        among=among,
        q=f["q"],
        search=(allocations.c.note,),
        updated_since=f["updated_since"],
    )


async def list_allocations(
    conn: AsyncConnection,
    principal: Principal,
    filter: AllocationFilter,
    *,
    sort: str | None = None,
) -> Listing:
    """The allocations the caller may see that match `filter`: the feed, a project's, their
    CSV and GraphQL's alike."""
    stmt = await within_project(
        conn, principal, presented(principal), allocations.c.project_id, filter.project
    )
    stmt = _filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, sort_of(sort))


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "start_date")


# The order of a list that names none (GraphQL's connections of allocations have no other).
ALLOCATION_ORDER = sort_of(None)


async def _checked(conn: AsyncConnection, row: Mapping[str, Any]) -> dict[str, Any]:
    """The allocation after the write, its rules kept: dates in order, a resource or a role
    that exist (a resource's role the default of a new one's)."""
    values = dict(row)
    ordered(values, "start_date", "end_date")
    # A `total_hours` allocation is spread over all its days, so every view that touches it
    # reads its whole span: bounded like a view's range, so no allocation makes them unbounded.
    if (values["end_date"] - values["start_date"]).days >= availability.MAX_DAYS:
        msg = f"an allocation spans at most {availability.MAX_DAYS} days: split a longer one"
        raise Invalid.field(["body", "end_date"], msg, "range_too_long")
    if values.get("resource_id") is None and values.get("role_id") is None:
        msg = "an allocation names a resource, or a role (unfilled demand)"
        raise Invalid.field(["body", "resource_id"], msg, "missing")
    for name, table in (("resource_id", resources), ("role_id", resource_roles)):
        if values.get(name) is None:
            continue
        stmt = select(table).where(table.c.id == values[name])
        target = (await conn.execute(stmt)).mappings().one_or_none()
        if target is None:
            what = name.removesuffix("_id")
            raise Invalid.field(
                ["body", name], f"{what} {values[name]} does not exist", "not_found"
            )
        if name == "resource_id" and values.get("role_id") is None:
            values["role_id"] = target["role_id"]
    return values


async def _warned(
    conn: AsyncConnection, row: RowMapping, project: Mapping[Any, Any]
) -> dict[str, Any]:
    """The allocation with the warnings its write deserves."""
    warnings = []
    start, finish = project["start_date"], project["finish_date"]
    if (start is not None and row["start_date"] < start) or (
        finish is not None and row["end_date"] > finish
    ):
        warnings.append(
            f"the allocation ({row['start_date']} to {row['end_date']}) runs outside the "
            f"project's dates ({start or 'open'} to {finish or 'open'})"
        )
    if row["resource_id"] is not None and row["status"] != AllocationStatus.REJECTED:
        over = await over_capacity(conn, row["resource_id"], row["start_date"], row["end_date"])
        if over:
            said = (
                f"resource {row['resource_id']} is booked above its capacity on {len(over)} "
                f"day(s), the first {over[0]}"
            )
            settings = settings_of(conn)
            if settings is not None and settings.over_allocation == "refuse":
                # Raised inside the write's transaction: the row written is rolled back.
                raise Conflict(f"{said} (PMO_OVER_ALLOCATION=refuse)")
            warnings.append(said)
    return {**row, "warnings": warnings}


async def over_capacity(
    conn: AsyncConnection, resource_id: uuid.UUID, first: date, last: date
) -> list[date]:
    """The days of [first, last] on which the resource is booked above its capacity."""
    first = max(first, last - timedelta(days=availability.MAX_DAYS - 1))  # the calendar's bound
    found = await availability.periods(conn, [resource_id], first, last, Grain.DAY, over=1.0)
    return [day.start for day in found[resource_id]]


async def create_allocation(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: AllocationCreate
) -> dict[str, Any]:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = await _checked(conn, data.model_dump())
    new = await insert_row(
        conn, allocations, {"project_id": project["id"], **values}, actor=principal
    )
    return await _warned(conn, await visible_allocation(conn, principal, new), project)


async def update_allocation(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: AllocationPatch,
    precondition: Precondition,
) -> dict[str, Any]:
    current = await child_to_write(conn, principal, object_id, visible_allocation, precondition)
    changes = changed_only(current, patch.changes())
    if changes:
        merged = await _checked(conn, {**current, **changes})
        changes = {n: merged[n] for n in (*changes, "role_id") if merged[n] != current[n]}
    row = await update_child(conn, principal, allocations, current, changes, visible_allocation)
    project = await visible_project(conn, principal, row["project_id"])
    return await _warned(conn, row, project)


async def delete_allocation(
    conn: AsyncConnection, *, principal: Principal, object_id: uuid.UUID, precondition: Precondition
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_allocation, precondition)
    await delete_row(conn, allocations, current, actor=principal)
