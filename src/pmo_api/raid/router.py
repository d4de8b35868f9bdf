"""REST endpoints for the RAID views."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import read_route
from pmo_api.raid import service
from pmo_api.raid.schemas import PortfolioRaidOut, ProgramRaidOut, ProjectRaidOut, RaidParams

router = APIRouter(tags=["raid"])

RAID_CSV = ("kind", "id", "project_code", "title", "status", "rating", "owner", "due")


@read_route(router, "/api/v1/projects/{project}/raid", "projects-raid", ProjectRaidOut)
async def project_raid(caller: Caller, db: DB, project: str) -> Response:
    """The project's RAID log in one answer: its risks, assumptions, issues and the
    dependencies in and out of its milestones (an end the caller may not see is
    `{"hidden": true}`); at most 1,000 rows of each register."""
    async with db.read() as conn:
        body = await service.project_raid(conn, caller, project)
    return JSONResponse(body)


@read_route(
    router, "/api/v1/portfolios/{portfolio_id}/raid", "portfolios-raid", PortfolioRaidOut, csv=True
)
async def portfolio_raid(
    request: Request,
    caller: Caller,
    db: DB,
    portfolio_id: uuid.UUID,
    params: Annotated[RaidParams, Query()],
) -> Response:
    """The portfolio's RAID log as one table (the steering committee pack): risks,
    assumptions, issues and dependencies, register by register; CSV on request
    (`?format=csv` or `Accept: text/csv`)."""
    async with db.read() as conn:
        body = await service.portfolio_raid(conn, caller, portfolio_id)
    return _answer(request, body)


@read_route(router, "/api/v1/programs/{program_id}/raid", "programs-raid", ProgramRaidOut, csv=True)
async def program_raid(
    request: Request,
    caller: Caller,
    db: DB,
    program_id: uuid.UUID,
    params: Annotated[RaidParams, Query()],
) -> Response:
    """The programme's RAID log as one table, as the portfolio's over the programme's
    projects (a dependency when either visible end is one of them); CSV on request."""
    async with db.read() as conn:
        body = await service.program_raid(conn, caller, program_id)
    return _answer(request, body)


def _answer(request: Request, body: dict[str, Any]) -> Response:
    if wants_csv(request):

        async def cells() -> AsyncIterator[list[Any]]:
            for row in body["data"]:
                yield [flat(row[name]) for name in RAID_CSV]

        return csv_response(RAID_CSV, cells(), filename="raid.csv")
    return JSONResponse(body)
