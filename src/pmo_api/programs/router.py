"""REST endpoints for programmes (issue 16): the list, a portfolio's programmes, one
programme's writes and reads, and its rollups (programs/rollups.py)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile, ResourceRoutes
from pmo_api.programs import repository as repo
from pmo_api.programs import service
from pmo_api.programs.schemas import (
    ProgramCreate,
    ProgramFeedParams,
    ProgramListParams,
    ProgramOut,
    ProgramPage,
    ProgramPatch,
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
