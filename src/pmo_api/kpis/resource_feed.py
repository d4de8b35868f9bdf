"""`/api/v1/resource-kpi-values`: the per-resource built-in KPIs (builtin.PER_RESOURCE) as a
long, flat feed for BI, the sibling of `/api/v1/kpi-values` (one row per resource, KPI and
month end, in (resource id, KPI code, date) order).

A resource is shared by every portfolio, so its KPIs cannot be rows of the per-project feed
(whose rows each name a project and a portfolio): any key reads every resource, and its hours
booked on projects the key cannot see count, unnamed, as availability counts them.

`utilisation` of a month = the hours allocated to the resource in that calendar month / its
capacity in it x 100: exactly availability's month (resources/availability.periods, every
status but rejected, live projects), so its value is that month's `utilisation` x 100. Months
may lie in the future (unlike the earned-value KPIs, which stop at today): allocations are
plans, and next quarter's utilisation is what a resource manager looks at.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import column, select
from sqlalchemy.engine import RowMapping

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.core.pagination import Sort, SortField, SortKey
from pmo_api.db.database import Database
from pmo_api.evm.service import period_ends
from pmo_api.kpis import builtin
from pmo_api.kpis import repository as repo
from pmo_api.kpis.rules import status
from pmo_api.kpis.schemas import ResourceKpiValueParams
from pmo_api.kpis.service import thresholds
from pmo_api.resources import availability
from pmo_api.resources.models import Grain, resources
from pmo_api.settings import Settings

BATCH = 250  # resources per statement

FIELDS = ("resource_id", "resource_name", "role_id", "kpi_code", "measured_on", "value", "status")
ORDER = Sort(
    (
        SortKey(SortField("resource_id", column("resource_id"), "uuid"), False),
        SortKey(SortField("kpi_code", column("kpi_code"), "str"), False),
        SortKey(SortField("measured_on", column("measured_on"), "date"), False),
    )
)


@dataclass(frozen=True)
class ResourceFeedSpec:
    principal: Principal
    settings: Settings
    month_ends: Sequence[date]
    resource_ids: Sequence[uuid.UUID] = ()
    role_ids: Sequence[uuid.UUID] = ()
    kpi_codes: Sequence[str] = ()


def spec_of(
    params: ResourceKpiValueParams,
    principal: Principal,
    settings: Settings,
    *,
    at: tuple[str, ...] = ("query",),
) -> ResourceFeedSpec:
    """The feed's spec from its parameters: `to` defaults to today, `from` to a year before
    it; at most availability's 1,100 days (422 naming `to`). A bad cursor is refused here,
    before anything is read."""
    if params.cursor:
        ORDER.decode(params.cursor)
    last = params.to or today()
    first = params.from_ or last - timedelta(days=365)
    availability.check_range(first, last, at)
    return ResourceFeedSpec(
        principal=principal,
        settings=settings,
        month_ends=period_ends(first, last, "month"),
        resource_ids=params.resource_id,
        role_ids=params.role_id,
        kpi_codes=params.kpi,
    )


def utilisation(period: availability.Period) -> float | None:
    """Allocated hours / capacity x 100, 4 decimals; None without capacity (not employed,
    holidays and time off all month, no working hours)."""
    if period.capacity <= 0:
        return None
    return round(period.allocated * 100 / period.capacity, 4)


def _key(row: dict[str, Any]) -> tuple[uuid.UUID, str, date]:
    return (row["resource_id"], row["kpi_code"], row["measured_on"])


async def rows(
    db: Database, spec: ResourceFeedSpec, *, after: str | None = None
) -> AsyncIterator[dict[str, Any]]:
    """The feed's rows in order, starting after the row the cursor `after` names."""
    start = ORDER.decode(after) if after else None
    async with db.read() as conn:
        kpis = [
            k
            for k in await repo.every(conn)
            if k["code"] in builtin.PER_RESOURCE
            and (not spec.kpi_codes or k["code"] in spec.kpi_codes)
        ]
    if not kpis or not spec.month_ends:
        return
    from_id: uuid.UUID | None = start[0] if start else None
    inclusive = True  # the cursor's resource may have rows left
    while True:
        async with db.read() as conn:
            batch = await _resources(conn, spec, from_id, inclusive)
            if not batch:
                return
            found = await availability.periods(
                conn,
                [r["id"] for r in batch],
                spec.month_ends[0].replace(day=1),
                spec.month_ends[-1],
                Grain.MONTH,
            )
        out = [
            _row(resource, kpi, period, spec.settings)
            for resource in batch
            for kpi in kpis
            for period in found[resource["id"]]
        ]
        for row in sorted(out, key=_key):
            if start is None or _key(row) > (start[0], start[1], start[2]):
                yield row
        if len(batch) < BATCH:
            return
        from_id, inclusive = batch[-1]["id"], False


async def page(
    db: Database, spec: ResourceFeedSpec, limit: int, *, after: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """`limit` rows of the feed after the cursor `after`, and the next page's cursor (None on
    the last page)."""
    found: list[dict[str, Any]] = []
    async for row in rows(db, spec, after=after):
        if len(found) == limit:
            return found, ORDER.cursor_for(found[-1])
        found.append(row)
    return found, None


def _row(
    resource: RowMapping, kpi: RowMapping, period: availability.Period, settings: Settings
) -> dict[str, Any]:
    # Only utilisation is per resource so far; a second one would choose its figure here.
    value = utilisation(period)
    amber, red = thresholds(kpi, settings)
    return {
        "resource_id": resource["id"],
        "resource_name": resource["name"],
        "role_id": resource["role_id"],
        "kpi_code": kpi["code"],
        "measured_on": period.end,
        "value": value,
        "status": status(value, kpi["direction"], amber, red),
    }


async def _resources(
    conn: Any, spec: ResourceFeedSpec, from_id: uuid.UUID | None, inclusive: bool
) -> Sequence[RowMapping]:
    # Every resource, whatever the key's portfolios: resources are shared (resources.md).
    stmt = (
        select(resources.c.id, resources.c.name, resources.c.role_id)
        .order_by(resources.c.id)
        .limit(BATCH)
    )
    if from_id is not None:
        stmt = stmt.where(resources.c.id >= from_id if inclusive else resources.c.id > from_id)
    if spec.resource_ids:
        stmt = stmt.where(resources.c.id.in_(spec.resource_ids))
    if spec.role_ids:
        stmt = stmt.where(resources.c.role_id.in_(spec.role_ids))
    found: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return found
