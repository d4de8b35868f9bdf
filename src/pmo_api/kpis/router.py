"""REST endpoints for KPI definitions, measurements, a project's KPIs and the kpi-values feeds
(per project, per resource)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.clock import today
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB, AppSettings, upserted
from pmo_api.core.inputs import AsOfParams
from pmo_api.core.listing import page_response
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import (
    READ,
    WRITE,
    CsvFile,
    ResourceRoutes,
    listing_response,
    read_route,
)
from pmo_api.core.writes import WithSettings
from pmo_api.kpis import feed, resource_feed, service
from pmo_api.kpis.schemas import (
    KpiCreate,
    KpiListParams,
    KpiOut,
    KpiPage,
    KpiPatch,
    KpiValuePage,
    KpiValueParams,
    MeasurementCreate,
    MeasurementListParams,
    MeasurementOut,
    MeasurementPage,
    ProjectKpisOut,
    ResourceKpiValuePage,
    ResourceKpiValueParams,
)

router = APIRouter(tags=["kpis"])


@router.get("/api/v1/kpis", operation_id="kpis-list", response_model=KpiPage, responses=READ)
async def list_kpis(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    params: Annotated[KpiListParams, Query()],
) -> Response:
    """KPI definitions, the built-in computed ones included (default order: `code`)."""
    async with db.read() as conn:
        listing = await service.list_kpis(
            conn, caller, service.KpiFilter.of(params), sort=params.sort
        )
    present = partial(service.kpi_json, settings=settings)
    return await listing_response(request, db, listing, params, present)


kpi = ResourceRoutes(
    router, "/api/v1/kpis/{kpi_code}", KpiOut, WithSettings(service.kpi_json), key="code"
)
kpi.create(
    "/api/v1/kpis",
    service.create_kpi,
    KpiCreate,
    "Define a KPI (admin). Honours `Idempotency-Key`.",
)
kpi.get(service.visible_kpi, "One KPI definition. Honours `If-None-Match`.")
kpi.update(
    service.update_kpi,
    KpiPatch,
    """JSON Merge Patch of a KPI definition (admin). A built-in KPI keeps its direction, and
    cpi and spi are judged by the health thresholds (settings), not their own. Honours
    `If-Match`.""",
)
kpi.delete(
    service.delete_kpi,
    "Remove a KPI definition without measurements (admin); built-in ones stay (409).",
)


@read_route(router, "/api/v1/projects/{project}/kpis", "project-kpis", ProjectKpisOut)
async def project_kpis(
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    params: Annotated[AsOfParams, Query()],
) -> Response:
    """The latest value and RAG status of every KPI for the project as of `as_of`: measured
    KPIs from their latest measurement on or before it, the built-in ones computed as of it."""
    async with db.read() as conn:
        body = await service.project_kpis(conn, caller, project, params.as_of or today(), settings)
    return JSONResponse(body)


@read_route(
    router,
    "/api/v1/projects/{project}/kpis/{kpi_code}/measurements",
    "kpi-measurements-list",
    MeasurementPage,
    csv=True,
)
async def list_measurements(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    kpi_code: str,
    params: Annotated[MeasurementListParams, Query()],
) -> Response:
    """The project's measurements of a KPI (default order: `measured_on`)."""
    query = params.list_query()
    wanted = service.MeasurementFilter(project, kpi_code, query.updated_since)
    async with db.read() as conn:
        listing, kpi = await service.list_measurements(conn, caller, wanted, sort=query.sort)
    csv = CsvFile(MEASUREMENT_COLUMNS, f"{kpi_code}.csv")
    return await listing_response(
        request, db, listing, params, lambda r: service.measurement_json(r, kpi, settings), csv
    )


MEASUREMENT_COLUMNS = tuple(MeasurementOut.model_fields)


@router.post(
    "/api/v1/projects/{project}/kpis/{kpi_code}/measurements",
    status_code=201,
    operation_id="kpi-measurements-record",
    response_model=MeasurementOut,
    responses={**WRITE, 200: {"description": "Replaced that date's value"}},
)
async def record_measurement(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    kpi_code: str,
    body: MeasurementCreate,
) -> Response:
    """Record the KPI's value for the project on a date (editor): 201. A value for a date that
    already has one replaces it (200), so an import sent twice never duplicates. Built-in KPIs
    are computed, not measured (409). Honours `Idempotency-Key`."""

    async def write(conn: AsyncConnection) -> tuple[dict[str, Any], bool]:
        row, kpi, was_created = await service.record_measurement(
            conn, principal=caller, ref=project, code=kpi_code, data=body
        )
        return service.measurement_json(row, kpi, settings), was_created

    location = f"/api/v1/projects/{project}/kpis/{kpi_code}/measurements"
    return await upserted(request, db, settings, caller, write, location)


@read_route(router, "/api/v1/kpi-values", "kpi-values-list", KpiValuePage, csv=True)
async def kpi_values(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    params: Annotated[KpiValueParams, Query()],
) -> Response:
    """The long, flat feed for BI: one row per (project, KPI, date). Measured KPIs by their
    dates; the built-in ones at each month end of the range up to today (open_risk_exposure,
    which has no history, once as of today). `from` defaults to a year before `to`, `to` to
    today. Filter by `portfolio_id`, `project` (id or code), `kpi`, `updated_since` (for
    incremental pulls: measured rows changed since, and the computed rows of projects whose
    data changed since). CSV streams every row."""
    spec = feed.spec_of(params, caller, settings)
    if wants_csv(request):

        async def cells() -> AsyncIterator[list[Any]]:
            async for row in feed.rows(db, spec, after=params.cursor):
                yield [flat(row[name]) for name in feed.FIELDS]

        return csv_response(feed.FIELDS, cells(), filename="kpi-values.csv")
    page, next_cursor = await feed.page(db, spec, params.limit, after=params.cursor)
    return page_response(request, page, next_cursor)


@read_route(
    router,
    "/api/v1/resource-kpi-values",
    "resource-kpi-values-list",
    ResourceKpiValuePage,
    csv=True,
)
async def resource_kpi_values(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    params: Annotated[ResourceKpiValueParams, Query()],
) -> Response:
    """The per-resource built-in KPIs (`utilisation`) as a long, flat feed for BI: one row per
    (resource, KPI, month end) of the range, the value over that calendar month, future months
    included (allocations are plans). `from` defaults to a year before `to`, `to` to today; at
    most 1,100 days. Every resource, whatever the key's portfolios, counting hours booked on
    every live project (named by none). Filter by `resource_id`, `role_id`, `kpi`. CSV streams
    every row."""
    spec = resource_feed.spec_of(params, caller, settings)
    if wants_csv(request):

        async def cells() -> AsyncIterator[list[Any]]:
            async for row in resource_feed.rows(db, spec, after=params.cursor):
                yield [flat(row[name]) for name in resource_feed.FIELDS]

        return csv_response(resource_feed.FIELDS, cells(), filename="resource-kpi-values.csv")
    page, next_cursor = await resource_feed.page(db, spec, params.limit, after=params.cursor)
    return page_response(request, page, next_cursor)
