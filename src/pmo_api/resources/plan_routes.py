"""REST endpoints of the planning views: capacity against demand by role or resource,
over-allocations, and a project's planned against actual hours and burn rate."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import read_route
from pmo_api.db.database import Database
from pmo_api.resources import capacity, over_allocation, project_view
from pmo_api.resources.availability import check_range
from pmo_api.resources.plan_schemas import (
    BurnPeriod,
    CapacityOut,
    CapacityParams,
    OverAllocation,
    OverAllocationParams,
    OverAllocationsOut,
    PersonHours,
    ProjectResourcesOut,
    ProjectResourcesParams,
    RoleHours,
)

router = APIRouter(tags=["resources"])

CAPACITY_CSV = (
    "id",
    "name",
    "period_start",
    "period_end",
    "capacity",
    "named",
    "unfilled",
    "demand",
    "gap",
)


@read_route(router, "/api/v1/capacity", "capacity", CapacityOut, csv=True)
async def capacity_view(
    request: Request, caller: Caller, db: DB, params: Annotated[CapacityParams, Query()]
) -> Response:
    """Per role (default) or resource and per day, week (default) or month of [`from`, `to`]:
    the capacity, the demand (named: booked on resources; unfilled: role-only allocations) and
    the gap, computed in the database. Demand counts every live project, hidden ones unnamed;
    `portfolio_id` (`program_id`) narrows it to those portfolios' (programmes') projects. CSV
    on request."""
    if wants_csv(request):
        # Streamed from a cursor (a year by resource is ~100,000 rows): the range is checked
        # before the answer starts, since a stream cannot turn into a 422.
        check_range(params.from_, params.to)
        return csv_response(CAPACITY_CSV, _csv_rows(db, caller, params), filename="capacity.csv")
    async with db.read() as conn:
        rows = await capacity.capacity(
            conn,
            caller,
            params.from_,
            params.to,
            params.grain,
            params.group_by,
            params.portfolio_id,
            params.program_id,
        )
    body = {
        "from": params.from_,
        "to": params.to,
        "grain": params.grain,
        "group_by": params.group_by,
        "data": rows,
    }
    return JSONResponse(body)


# The CSV of a project's resources: one of its three tables, with the project's id first.
PROJECT_RESOURCES_CSV = {
    "people": ("project_id", *PersonHours.model_fields),
    "roles": ("project_id", *RoleHours.model_fields),
    "burn": ("project_id", *BurnPeriod.model_fields, "currency"),
}


@read_route(
    router,
    "/api/v1/projects/{project}/resources",
    "project-resources",
    ProjectResourcesOut,
    csv=True,
)
async def project_resources(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[ProjectResourcesParams, Query()],
) -> Response:
    """The project's planned hours (its allocations) against actual hours (its time entries),
    by person and by role, and its burn rate: the actual cost (cost and time entries) per day,
    week or month (default) of [`from`, `to`] (default: the project's dates). CSV on request:
    one table of the three (`table`: `people`, the default, `roles` or `burn`)."""
    async with db.read() as conn:
        body = await project_view.project_resources(
            conn, caller, project, params.from_, params.to, params.grain
        )
    if wants_csv(request):
        columns = PROJECT_RESOURCES_CSV[params.table]
        shared = {"project_id": body["project_id"], "currency": body["currency"]}
        rows = [{**shared, **r} for r in body[params.table]]
        name = f"project-resources-{params.table}.csv"
        return csv_response(columns, _cells(rows, columns), filename=name)
    return JSONResponse(body)


# One row per range; the allocations named by id, space-separated (ids never hold a space).
OVER_ALLOCATION_CSV = (
    *(n for n in OverAllocation.model_fields if n != "allocations"),
    "allocation_ids",
)


@read_route(router, "/api/v1/over-allocations", "over-allocations", OverAllocationsOut, csv=True)
async def over_allocations(
    request: Request, caller: Caller, db: DB, params: Annotated[OverAllocationParams, Query()]
) -> Response:
    """Each resource and date range of [`from`, `to`] booked above `threshold` (default 1.0) x
    its capacity, judged per day (default), week or month, adjacent periods one range: by how
    many hours, and the allocations involved. Hours on every project count; those on projects
    the caller cannot see are only counted, never named. By resource name, `limit` resources
    (those with a range) a page, `next_cursor` to go on; CSV on request (every resource)."""
    csv = wants_csv(request)
    async with db.read() as conn:
        body = await over_allocation.over_allocations(
            conn,
            caller,
            params.from_,
            params.to,
            params.threshold,
            params.grain,
            limit=None if csv else params.limit,
            cursor=params.cursor,
        )
    if csv:
        rows = [
            {**r, "allocation_ids": " ".join(str(a["id"]) for a in r["allocations"])}
            for r in body["data"]
        ]
        return csv_response(
            OVER_ALLOCATION_CSV,
            _cells(rows, OVER_ALLOCATION_CSV),
            filename="over-allocations.csv",
        )
    return JSONResponse(body)


async def _csv_rows(
    db: Database, caller: Principal, params: CapacityParams
) -> AsyncIterator[list[Any]]:
    """The capacity rows as CSV cells, one at a time, in a read-only snapshot (PostgreSQL's
    server-side cursors need a transaction)."""
    async with db.snapshot() as conn:
        rows = capacity.stream_capacity(
            conn,
            caller,
            params.from_,
            params.to,
            params.grain,
            params.group_by,
            params.portfolio_id,
            params.program_id,
        )
        async for r in rows:
            cells = {**r, **r["demand"], "id": r[f"{params.group_by}_id"]}
            cells["demand"] = r["demand"]["total"]
            yield [flat(cells[name]) for name in CAPACITY_CSV]


async def _cells(rows: list[dict[str, Any]], columns: Sequence[str]) -> AsyncIterator[list[Any]]:
    for row in rows:
        yield [flat(row[name]) for name in columns]
