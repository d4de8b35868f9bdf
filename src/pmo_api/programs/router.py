"""REST endpoints for programmes (issue 16): the list, a portfolio's programmes, one
programme's writes and reads, and its rollups (programs/rollups.py)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings
from pmo_api.core.inputs import AsOfParams
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import CsvFile, ResourceRoutes, read_route
from pmo_api.health.rules import Thresholds
from pmo_api.programs import repository as repo
from pmo_api.programs import rollups, service
from pmo_api.programs.schemas import (
    ProgramCreate,
    ProgramEvmOut,
    ProgramFeedParams,
    ProgramHealthOut,
    ProgramListParams,
    ProgramOut,
    ProgramPage,
    ProgramPatch,
    ProgramRiskMatrixOut,
    ProgramSummaryOut,
)

router = APIRouter(tags=["programs"])

PROGRAMS_CSV = CsvFile(repo.FIELDS, "programs.csv")

program_lists = ListRoutes(
    router, ProgramPage, service.list_programs, service.program_json, PROGRAMS_CSV
)


@program_lists.route("/api/v1/programs", "programs-list")
def list_programs(params: ProgramFeedParams) -> service.ProgramFilter:
    """Programmes of the portfolios the caller may see. Filter by `portfolio_id`, `status`,
    `manager`, `sponsor`, `q` (name, description), `updated_since`; CSV streams every match."""
    return service.ProgramFilter.of(params)


@program_lists.route("/api/v1/portfolios/{portfolio_id}/programs", "portfolio-programs-list")
def list_portfolio_programs(
    params: ProgramListParams, portfolio_id: uuid.UUID
) -> service.ProgramFilter:
    """The programmes of a portfolio (404 when the caller cannot see it); CSV on request."""
    return service.ProgramFilter.of(params, portfolio=portfolio_id)


program = ResourceRoutes(router, "/api/v1/programs/{program_id}", ProgramOut, service.program_json)
program.create(
    "/api/v1/portfolios/{portfolio_id}/programs",
    service.create_program,
    ProgramCreate,
    "Create a programme in a portfolio (editor). `objectives` name strategic objectives of "
    "that portfolio. Honours `Idempotency-Key`.",
)
program.get(service.visible_program, "One programme. Honours `If-None-Match`.")
program.update(
    service.update_program,
    ProgramPatch,
    "JSON Merge Patch of a programme (editor). Honours `If-Match`.",
)
program.delete(
    service.delete_program,
    "Delete a programme (editor); while projects belong to it, a 409: detach them first.",
)


# --- rollups over the programme's projects (programs/rollups.py) -------------------------------


@read_route(router, "/api/v1/programs/{program_id}/evm", "programs-evm", ProgramEvmOut)
async def program_evm(
    caller: Caller, db: DB, program_id: uuid.UUID, params: Annotated[AsOfParams, Query()]
) -> Response:
    """The programme's earned value as of `as_of`: the rollup (sums of its projects' BAC, PV,
    EV and AC, every index computed from those sums, never averaged) and one row per project."""
    return JSONResponse(await rollups.program_evm(db, caller, program_id, params.as_of))


@read_route(router, "/api/v1/programs/{program_id}/summary", "programs-summary", ProgramSummaryOut)
async def program_summary(
    caller: Caller,
    db: DB,
    settings: AppSettings,
    program_id: uuid.UUID,
    params: Annotated[AsOfParams, Query()],
) -> Response:
    """The portfolio summary over the programme's projects: counts by status and health,
    budget and actual totals, the earned-value rollup, the ten highest open risks and the
    milestones due in the next 30 days, as of `as_of`."""
    body = await rollups.program_summary(db, caller, program_id, params.as_of, settings)
    return JSONResponse(body)


@read_route(router, "/api/v1/programs/{program_id}/health", "programs-health", ProgramHealthOut)
async def program_health(
    caller: Caller, db: DB, settings: AppSettings, program_id: uuid.UUID
) -> Response:
    """The programme's health as of today: the worst of its projects' (CONTRACT §5), which
    projects decide it, and each project's verdict rule by rule."""
    async with db.read() as conn:
        body = await rollups.program_health(conn, caller, program_id, Thresholds.of(settings))
    return JSONResponse(body)


@read_route(
    router,
    "/api/v1/programs/{program_id}/risk-matrix",
    "programs-risk-matrix",
    ProgramRiskMatrixOut,
)
async def program_risk_matrix(caller: Caller, db: DB, program_id: uuid.UUID) -> Response:
    """Open risks of the programme's projects by probability x impact, with their total
    expected value."""
    async with db.read() as conn:
        body = await rollups.program_risk_matrix(conn, caller, program_id)
    return JSONResponse(body)
