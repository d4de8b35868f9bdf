"""SQL for KPI definitions (shared by every portfolio) and measurements (read, like every row
a project owns, from the scope rule: access/scope.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_rows
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.kpis.models import definitions, measurements

SORTS = {
    "id": SortField("id", definitions.c.id, "uuid"),
    "code": SortField("code", definitions.c.code, "str"),
    "name": SortField("name", definitions.c.name, "str"),
    "created_at": SortField("created_at", definitions.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", definitions.c.updated_at, "datetime"),
}
MEASUREMENT_SORTS = {
    "id": SortField("id", measurements.c.id, "uuid"),
    "measured_on": SortField("measured_on", measurements.c.measured_on, "date"),
    "created_at": SortField("created_at", measurements.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", measurements.c.updated_at, "datetime"),
}


async def get(conn: AsyncConnection, principal: Principal, code: str) -> RowMapping | None:
    """The KPI definition `code`. Any caller sees every definition (the `principal` is there
    for the reads' shared signature)."""
    stmt = select(definitions).where(definitions.c.code == code)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def every(conn: AsyncConnection) -> Sequence[RowMapping]:
    """Every KPI definition, by code (a few dozen at most)."""
    stmt = select(definitions).order_by(definitions.c.code)
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows


def listed(
    *,
    direction: Sequence[str] = (),
    computed: bool | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    stmt = select(definitions)
    if computed is not None:
        stmt = stmt.where(definitions.c.computed == computed)
    return narrowed(
        stmt,
        definitions,
        among=[(definitions.c.direction, direction)],
        q=q,
        search=(definitions.c.code, definitions.c.name, definitions.c.description),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "code")


async def has_measurements(conn: AsyncConnection, kpi_id: uuid.UUID) -> bool:
    """Whether any project has measured the KPI. Not scoped on purpose: a definition is shared
    by every portfolio (only an unlimited admin deletes one), so every project's rows count."""
    stmt = select(measurements.c.id).where(measurements.c.kpi_id == kpi_id).limit(1)
    return (await conn.execute(stmt)).first() is not None


def measurements_of(principal: Principal, project_id: uuid.UUID, kpi_id: uuid.UUID) -> Select[Any]:
    return readable_rows(principal, measurements).where(
        measurements.c.project_id == project_id, measurements.c.kpi_id == kpi_id
    )


def measurement_sort(sort: str | None) -> Sort:
    return parse_sort(sort, MEASUREMENT_SORTS, "measured_on")


async def measurement_on(
    conn: AsyncConnection,
    principal: Principal,
    project_id: uuid.UUID,
    kpi_id: uuid.UUID,
    measured_on: date,
) -> RowMapping | None:
    stmt = measurements_of(principal, project_id, kpi_id).where(
        measurements.c.measured_on == measured_on
    )
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def latest_measurements_of(
    conn: AsyncConnection, principal: Principal, project_ids: Sequence[uuid.UUID], as_of: date
) -> dict[tuple[uuid.UUID, uuid.UUID], RowMapping]:
    """The latest measurement of each KPI of each project (that the caller may see) on or
    before `as_of`, in one statement, by (project id, KPI id)."""
    ids = sorted(set(project_ids))
    latest = (
        select(
            measurements.c.project_id,
            measurements.c.kpi_id,
            func.max(measurements.c.measured_on).label("on"),
        )
        .where(measurements.c.project_id.in_(ids), measurements.c.measured_on <= as_of)
        .group_by(measurements.c.project_id, measurements.c.kpi_id)
        .subquery()
    )
    stmt = readable_rows(principal, measurements).join(
        latest,
        (latest.c.project_id == measurements.c.project_id)
        & (latest.c.kpi_id == measurements.c.kpi_id)
        & (latest.c.on == measurements.c.measured_on),
    )
    rows = (await conn.execute(stmt)).mappings().all()
    return {(row["project_id"], row["kpi_id"]): row for row in rows}
