"""REST endpoints of compliance: a project's, a portfolio's and a programme's (JSON, or CSV for
BI)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.compliance import service
from pmo_api.compliance.schemas import (
    CSV_COLUMNS,
    ComplianceParams,
    PortfolioComplianceOut,
    ProgramComplianceOut,
    ProjectComplianceOut,
)
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.inputs import AsOfParams
from pmo_api.core.responses import JSONResponse, dumps
from pmo_api.core.routes import read_route

router = APIRouter(tags=["compliance"])


@read_route(
    router, "/api/v1/projects/{project}/compliance", "project-compliance", ProjectComplianceOut
)
async def project_compliance(
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    params: Annotated[AsOfParams, Query()],
) -> Response:
    """The project's compliance with the PMO's rules as of `as_of` (default today): each rule's
    result (`met`, `not_met`, `not_applicable`), reason and evidence, and the share of the
    applicable rules met (docs/formulas.md, Compliance)."""
    async with db.read() as conn:
        body = await service.project_compliance(conn, caller, project, params.as_of, settings)
    return JSONResponse(body)


@read_route(
    router,
    "/api/v1/portfolios/{portfolio_id}/compliance",
    "portfolio-compliance",
    PortfolioComplianceOut,
    csv=True,
)
async def portfolio_compliance(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    portfolio_id: uuid.UUID,
    params: Annotated[ComplianceParams, Query()],
) -> Response:
    """Every project's compliance as of `as_of` (default today), by project code, with the
    share of (project, rule) pairs met and each rule's counts. CSV on request: one row per
    project and rule, the evidence as JSON."""
    async with db.read() as conn:
        body = await service.portfolio_compliance(
            conn, caller, portfolio_id, params.as_of, settings
        )
    return _answer(request, body)


@read_route(
    router,
    "/api/v1/programs/{program_id}/compliance",
    "programs-compliance",
    ProgramComplianceOut,
    csv=True,
)
async def program_compliance(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    program_id: uuid.UUID,
    params: Annotated[ComplianceParams, Query()],
) -> Response:
    """The portfolio's compliance view over the programme's live projects as of `as_of`
    (default today): each project's compliance by code, the share of (project, rule) pairs met
    and each rule's counts, over those projects only. CSV on request, as the portfolio's."""
    async with db.read() as conn:
        body = await service.program_compliance(conn, caller, program_id, params.as_of, settings)
    return _answer(request, body)


def _answer(request: Request, body: dict[str, Any]) -> Response:
    if wants_csv(request):
        return csv_response(CSV_COLUMNS, _cells(body), filename="compliance.csv")
    return JSONResponse(service.portfolio_json(body))


async def _cells(body: dict[str, Any]) -> AsyncIterator[Sequence[Any]]:
    for judged in body["projects"]:
        project = judged.body
        for r in project["rules"]:
            cells = (
                body["portfolio_id"],
                project["project_id"],
                project["project_code"],
                project["as_of"],
                r["rule"],
                r["result"],
                r["reason"],
                dumps(r["evidence"]).decode(),
                project["share_met"],
            )
            yield [flat(c) for c in cells]
