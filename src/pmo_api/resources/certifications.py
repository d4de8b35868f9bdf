"""Certifications and training records of resources (shared rows, as rates and time off: any
key reads them, an admin not limited to portfolios writes them), and the feed of those that
expire within a number of days."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.core.listing import Listing, narrowed
from pmo_api.core.pagination import SortField, parse_sort, tracked_sorts
from pmo_api.resources.catalog import Catalog, ordered
from pmo_api.resources.models import certifications, resources
from pmo_api.resources.service import RESOURCES, lister


async def _check(conn: AsyncConnection, row: Mapping[str, Any]) -> None:
    ordered(row, "issued_on", "expires_on")


CERTIFICATIONS = Catalog(
    certifications,
    "certification",
    ("resource_id", "name", "issued_on", "expires_on", "note"),
    parent="resource_id",
    parent_catalog=RESOURCES,
    check=_check,
    search=("name", "note"),
    default_sort="issued_on",
    sorts={"issued_on": "date", "expires_on": "date", "name": "str"},
)
list_certifications = lister(CERTIFICATIONS)


def expiring_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {**CERTIFICATIONS.json(row), "resource_name": row["resource_name"]}


@dataclass(frozen=True)
class ExpiringFilter:
    within_days: int = 30
    q: str | None = None
    updated_since: datetime | None = None


EXPIRING_SORTS = {
    **tracked_sorts(certifications),
    "expires_on": SortField("expires_on", certifications.c.expires_on, "date"),
}


async def list_expiring(
    conn: AsyncConnection, principal: Principal, filter: ExpiringFilter, *, sort: str | None = None
) -> Listing:
    """Certifications that expire from today to today + `within_days` (inclusive), soonest
    first, with their resource's name."""
    first: date = today()
    last = first + timedelta(days=filter.within_days)
    stmt = (
        select(certifications, resources.c.name.label("resource_name"))
        .join(resources, resources.c.id == certifications.c.resource_id)
        .where(certifications.c.expires_on >= first, certifications.c.expires_on <= last)
    )
    stmt = narrowed(
        stmt,
        certifications,
        q=filter.q,
        search=(certifications.c.name, resources.c.name),
        updated_since=filter.updated_since,
    )
    return Listing(stmt, parse_sort(sort, EXPIRING_SORTS, "expires_on"))
