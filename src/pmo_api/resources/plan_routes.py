"""REST endpoints of the planning views: capacity against demand by role or resource, and a
project's planned against actual hours and burn rate."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
from pmo_api.resources import capacity, project_view
from pmo_api.resources.availability import check_range
from pmo_api.resources.plan_schemas import (
    CapacityOut,
    CapacityParams,
    ProjectResourcesOut,
    ProjectResourcesParams,
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
    `portfolio_id` narrows it to those portfolios' projects. CSV on request."""
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
        )
    body = {
        "from": params.from_,
        "to": params.to,
        "grain": params.grain,
        "group_by": params.group_by,
        "data": rows,
    }
    return JSONResponse(body)


@read_route(
    router, "/api/v1/projects/{project}/resources", "project-resources", ProjectResourcesOut
)
async def project_resources(
    caller: Caller, db: DB, project: str, params: Annotated[ProjectResourcesParams, Query()]
) -> Response:
    """The project's planned hours (its allocations) against actual hours (its time entries),
    by person and by role, and its burn rate: the actual cost (cost and time entries) per day,
    week or month (default) of [`from`, `to`] (default: the project's dates)."""
    async with db.read() as conn:
        body = await project_view.project_resources(
            conn, caller, project, params.from_, params.to, params.grain
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
        )
        async for r in rows:
            cells = {**r, **r["demand"], "id": r[f"{params.group_by}_id"]}
            cells["demand"] = r["demand"]["total"]
            yield [flat(cells[name]) for name in CAPACITY_CSV]
