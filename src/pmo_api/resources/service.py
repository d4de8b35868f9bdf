"""Rules for roles, skills, resources (with their skills, cost rates and time off) and
holidays: each a `Catalog` (resources/catalog.py) with the rules of its own. Allocations are in
resources/allocations.py, availability in resources/availability.py."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.errors import Invalid
from pmo_api.core.listing import Listing
from pmo_api.resources import availability, pricing
from pmo_api.resources.catalog import Catalog, ordered
from pmo_api.resources.models import (
    WEEKDAYS,
    Grain,
    allocations,
    holidays,
    resource_rates,
    resource_roles,
    resource_skills,
    resources,
    skills,
    time_entries,
    time_off,
)


def _used_by(*uses: tuple[Table, str, str]) -> Callable[[AsyncConnection, uuid.UUID], Any]:
    """Why a row cannot go: the first of `uses` (a table, its column naming the row, what to
    say) that still has a row naming it."""

    async def in_use(conn: AsyncConnection, row_id: uuid.UUID) -> str | None:
        for table, column, reason in uses:
            stmt = select(table.c.id).where(table.c[column] == row_id).limit(1)
            if (await conn.execute(stmt)).first() is not None:
                return reason
        return None

    return in_use


def _exists(table: Table, field: str, what: str) -> Callable[..., Awaitable[None]]:
    """A rule: the id in `field` (when set) names a row of `table`; a 422 naming it otherwise."""

    async def check(conn: AsyncConnection, row: Mapping[str, Any]) -> None:
        if row.get(field) is None:
            return
        stmt = select(table.c.id).where(table.c.id == row[field])
        if (await conn.execute(stmt)).first() is None:
            raise Invalid.field(["body", field], f"{what} {row[field]} does not exist", "not_found")

    return check


ROLES = Catalog(
    resource_roles,
    "role",
    ("name", "default_rate", "currency"),
    money=("default_rate",),
    unique=(("name",),),
    in_use=_used_by(
        (resources, "role_id", "resources have it; change their role first"),
        (allocations, "role_id", "allocations ask for it"),
    ),
    search=("name",),
    default_sort="name",
    sorts={"name": "str"},
)
SKILLS = Catalog(
    skills,
    "skill",
    ("name", "description"),
    unique=(("name",),),
    in_use=_used_by((resource_skills, "skill_id", "resources hold it")),
    search=("name", "description"),
    default_sort="name",
    sorts={"name": "str"},
)


async def _check_resource(conn: AsyncConnection, row: Mapping[str, Any]) -> None:
    ordered(row, "employment_start", "employment_end")
    await _exists(resource_roles, "role_id", "role")(conn, row)


RESOURCE_FIELDS = (
    "kind",
    "name",
    "email",
    "role_id",
    *(f"hours_{day}" for day in WEEKDAYS),
    "availability_factor",
    "employment_start",
    "employment_end",
    "active",
)
RESOURCES = Catalog(
    resources,
    "resource",
    RESOURCE_FIELDS,
    unique=(("email",),),
    check=_check_resource,
    in_use=_used_by(
        (allocations, "resource_id", "it has allocations; make it inactive instead"),
        (time_entries, "resource_id", "it has time entries; make it inactive instead"),
    ),
    search=("name", "email"),
    default_sort="name",
    sorts={"name": "str"},
)
RESOURCE_SKILLS = Catalog(
    resource_skills,
    "skill level",
    ("resource_id", "skill_id", "level"),
    unique=(("resource_id", "skill_id"),),
    parent="resource_id",
    parent_catalog=RESOURCES,
    check=_exists(skills, "skill_id", "skill"),
    sorts={"level": "int"},
)
RATES = Catalog(
    resource_rates,
    "rate",
    ("resource_id", "effective_from", "rate", "currency"),
    money=("rate",),
    unique=(("resource_id", "effective_from"),),
    parent="resource_id",
    parent_catalog=RESOURCES,
    # Its time entries are priced again (a rate in another currency than theirs: a 422).
    after=lambda conn, row: pricing.reprice(conn, row["resource_id"]),
    default_sort="effective_from",
    sorts={"effective_from": "date"},
)


async def _check_time_off(conn: AsyncConnection, row: Mapping[str, Any]) -> None:
    ordered(row, "start_date", "end_date")


TIME_OFF = Catalog(
    time_off,
    "time off",
    ("resource_id", "start_date", "end_date", "hours_per_day", "note"),
    parent="resource_id",
    parent_catalog=RESOURCES,
    check=_check_time_off,
    search=("note",),
    default_sort="start_date",
    sorts={"start_date": "date"},
)
HOLIDAYS = Catalog(
    holidays,
    "holiday",
    ("day", "name"),
    unique=(("day",),),
    search=("name",),
    default_sort="day",
    sorts={"day": "date", "name": "str"},
)


async def get_resource(
    conn: AsyncConnection, principal: Principal, resource_id: uuid.UUID
) -> RowMapping | None:
    """The resource, or None (every caller sees every resource)."""
    return await RESOURCES.get(conn, resource_id)


async def resource_availability(
    conn: AsyncConnection,
    principal: Principal,
    resource_id: uuid.UUID,
    first: date,
    last: date,
    grain: Grain,
    *,
    at: tuple[str, ...] = ("query",),
) -> dict[str, Any]:
    """A resource's capacity, booked hours (by status), availability and utilisation per
    period of [first, last] (`at`: where an error's location starts, REST's query or GraphQL's
    arguments)."""
    availability.check_range(first, last, at)
    await RESOURCES.visible(conn, principal, resource_id)
    found = await availability.periods(conn, [resource_id], first, last, grain)
    return availability_json(resource_id, first, last, grain, found[resource_id])


def availability_json(
    resource_id: uuid.UUID,
    first: date,
    last: date,
    grain: Grain,
    periods: list[availability.Period],
) -> dict[str, Any]:
    return {
        "resource_id": resource_id,
        "from": first,
        "to": last,
        "grain": grain,
        "periods": [p.json() for p in periods],
    }


@dataclass(frozen=True)
class CatalogFilter:
    """The filters of the role, skill and holiday lists."""

    q: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class ResourceFilter:
    """The filters of the resource list; several values of one are an OR."""

    kind: tuple[str, ...] = ()
    role_id: tuple[uuid.UUID, ...] = ()
    active: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class OwnedFilter:
    """The filters of a resource's own lists (skills, rates, time off): `resource_id` is the
    one resource (404 when it does not exist)."""

    resource_id: uuid.UUID
    q: str | None = None
    updated_since: datetime | None = None


def lister(catalog: Catalog) -> Callable[..., Awaitable[Listing]]:
    """The list service of a catalog: `list(conn, principal, filter, *, sort)`."""

    async def listed(
        conn: AsyncConnection, principal: Principal, filter: Any, *, sort: str | None = None
    ) -> Listing:
        if catalog.parent_catalog is not None:
            await catalog.parent_catalog.visible(conn, principal, filter.resource_id)
        return catalog.listing(filter, sort)

    return listed


list_roles = lister(ROLES)
list_skills = lister(SKILLS)
list_resources = lister(RESOURCES)
list_resource_skills = lister(RESOURCE_SKILLS)
list_rates = lister(RATES)
list_time_off = lister(TIME_OFF)
list_holidays = lister(HOLIDAYS)
