"""REST endpoints for earned value (CONTRACT §4): a project as of a date, its series, its cost
variance, and a portfolio's rollup."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB
from pmo_api.core.inputs import AsOfParams
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import read_route
from pmo_api.evm import service as earned_value
from pmo_api.evm.schemas import (
    AsOfCsvParams,
    CostVarianceOut,
    CostVarianceParams,
    EvmPoint,
    EvmSeriesOut,
    PortfolioEvmOut,
    ProjectEvmOut,
    SeriesParams,
)

router = APIRouter(tags=["earned value"])

# EVM CSV rows describe themselves: each names its project, portfolio, currency and as-of date,
# so rows from several files can be stacked in a BI tool without losing what they mean.
SERIES_IDENT = ("project_id", "code", "portfolio_id", "currency")
SERIES_CSV = (*SERIES_IDENT, *EvmPoint.model_fields)
PORTFOLIO_CSV = ("portfolio_id", "as_of", "currency", *earned_value.ROW_FIELDS)


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    async def cells() -> AsyncIterator[list[Any]]:
        for row in rows:
            yield [flat(row[name]) for name in columns]

    return csv_response(columns, cells(), filename=filename)


@read_route(router, "/api/v1/projects/{project}/evm", "projects-evm", ProjectEvmOut)
async def project_evm(
    caller: Caller, db: DB, project: str, params: Annotated[AsOfParams, Query()]
) -> Response:
    """Earned value of the project as of `as_of` (inclusive; default today): BAC, PV, EV, AC,
    the variances and indices, the forecasts, and earned schedule. `null` wherever a division
    by zero leaves a figure undefined."""
    async with db.read() as conn:
        body = await earned_value.project_evm(conn, caller, project, params.as_of)
    return JSONResponse(body)


@read_route(
    router, "/api/v1/projects/{project}/evm/series", "projects-evm-series", EvmSeriesOut, csv=True
)
async def project_evm_series(
    request: Request, caller: Caller, db: DB, project: str, params: Annotated[SeriesParams, Query()]
) -> Response:
    """The project's earned value at each period end (month ends, or Sundays for `week`)
    between `from` and `to`, for S-curves. CSV on request."""
    async with db.read() as conn:
        body = await earned_value.project_series(
            conn, caller, project, first=params.from_, last=params.to, interval=params.interval
        )
    if wants_csv(request):
        ident = {name: body[name] for name in SERIES_IDENT}
        rows = ({**ident, **point} for point in body["data"])
        return _csv(SERIES_CSV, rows, "evm-series.csv")
    return JSONResponse(body)


@read_route(
    router, "/api/v1/projects/{project}/cost-variance", "projects-cost-variance", CostVarianceOut
)
async def project_cost_variance(
    caller: Caller, db: DB, project: str, params: Annotated[CostVarianceParams, Query()]
) -> Response:
    """Planned against actual cost as of `as_of`, by `category` or `month`: `variance` =
    planned - actual, `variance_percent` = variance / planned * 100. Planned is the baseline
    prorated as PV is; without a baseline it has no category and is reported under key
    `null`."""
    async with db.read() as conn:
        body = await earned_value.cost_variance(
            conn, caller, project, as_of=params.as_of, group_by=params.group_by
        )
    return JSONResponse(body)


@read_route(
    router, "/api/v1/portfolios/{portfolio_id}/evm", "portfolios-evm", PortfolioEvmOut, csv=True
)
async def portfolio_evm(
    request: Request,
    caller: Caller,
    db: DB,
    portfolio_id: uuid.UUID,
    params: Annotated[AsOfCsvParams, Query()],
) -> Response:
    """The portfolio's earned value as of `as_of`: the rollup (sums of the projects' BAC, PV,
    EV and AC, every index computed from those sums) and one row per project. CSV gives the
    project rows."""
    result = await earned_value.portfolio_evm(db, caller, portfolio_id, params.as_of)
    if wants_csv(request):
        portfolio = result.portfolio
        ident = {
            "portfolio_id": portfolio["id"],
            "as_of": result.as_of,
            "currency": portfolio["currency"],
        }
        rows = ({**ident, **r.body} for r in result.rows)
        return _csv(PORTFOLIO_CSV, rows, "portfolio-evm.csv")
    return JSONResponse(result.body(json_rows=True))
