"""A programme's rollups over its live projects: the portfolio's own services (evm/service.py,
portfolio_views/summary.py, risks/repository.py) narrowed to the programme (`Grouping.PROGRAM`),
and its health: the worst of its projects', with each project's verdict as the explanation.
Every money figure and count is a sum over the projects; every index comes from the sums."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_projects
from pmo_api.core.clock import today
from pmo_api.db.database import Database
from pmo_api.evm.service import rollup_of
from pmo_api.health.rules import STATUSES, Thresholds
from pmo_api.health.service import health_of
from pmo_api.portfolio_views.summary import summary_of
from pmo_api.programs.service import visible_program
from pmo_api.projects.models import Grouping, projects
from pmo_api.risks import repository as risk_repo
from pmo_api.risks.service import matrix_cells
from pmo_api.settings import Settings


async def _program(db: Database, principal: Principal, program_id: uuid.UUID) -> dict[str, Any]:
    async with db.read() as conn:
        return dict(await visible_program(conn, principal, program_id))


def _owner(program: dict[str, Any]) -> dict[str, Any]:
    return {"program_id": program["id"], "portfolio_id": program["portfolio_id"]}


async def program_evm(
    db: Database, principal: Principal, program_id: uuid.UUID, as_of: date | None
) -> dict[str, Any]:
    """The programme's earned value as the portfolio's: the rollup and one row per project."""
    program = await _program(db, principal, program_id)
    t = as_of or today()
    rollup, rows = await rollup_of(db, Grouping.PROGRAM, program_id, t)
    return {
        **_owner(program),
        "as_of": t,
        "currency": program["currency"],
        "rollup": rollup,
        "projects": [r.body for r in rows],
    }


async def program_summary(
    db: Database,
    principal: Principal,
    program_id: uuid.UUID,
    as_of: date | None,
    settings: Settings,
) -> dict[str, Any]:
    program = await _program(db, principal, program_id)
    body = await summary_of(db, principal, Grouping.PROGRAM, program, as_of, settings)
    return {**_owner(program), **body}


async def program_risk_matrix(
    conn: AsyncConnection, principal: Principal, program_id: uuid.UUID
) -> dict[str, Any]:
    program = await visible_program(conn, principal, program_id)
    return (await program_risk_matrices(conn, principal, [program]))[program["id"]]


async def program_risk_matrices(
    conn: AsyncConnection, principal: Principal, programs: Sequence[Mapping[Any, Any]]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The risk matrix of each programme (rows the caller sees), by id, in one statement."""
    ids = [p["id"] for p in programs]
    found = await risk_repo.matrices(conn, principal, ids, group=Grouping.PROGRAM)
    return {p["id"]: {**_owner(dict(p)), **matrix_cells(p, *found[p["id"]])} for p in programs}


async def program_health(
    conn: AsyncConnection, principal: Principal, program_id: uuid.UUID, thresholds: Thresholds
) -> dict[str, Any]:
    """The worst health among the programme's projects in flight (null when none is), the
    projects that have it (`decided_by`), and each project's own verdict, in code order."""
    program = await visible_program(conn, principal, program_id)
    return (await programs_health(conn, principal, [program], thresholds))[program["id"]]


async def programs_health(
    conn: AsyncConnection,
    principal: Principal,
    programs: Sequence[Mapping[Any, Any]],
    thresholds: Thresholds,
) -> dict[uuid.UUID, dict[str, Any]]:
    """`program_health` of each programme (rows the caller sees), by id: the projects of all
    of them and their health in one pass (a statement for the members, one for the health)."""
    t = today()
    stmt = (
        readable_projects(principal, projects.c.id, projects.c.code, projects.c.program_id)
        .where(projects.c.program_id.in_([p["id"] for p in programs]))
        .order_by(projects.c.code)
    )
    members = (await conn.execute(stmt)).all()
    found = await health_of(conn, [m.id for m in members], thresholds=thresholds, as_of=t)
    rows: dict[uuid.UUID, list[dict[str, Any]]] = {p["id"]: [] for p in programs}
    for member in members:
        health = found.get(member.id)
        if health is not None:
            row = {"project_id": member.id, "code": member.code, **health.body()}
            rows[member.program_id].append(row)
    return {p["id"]: _health_body(p, rows[p["id"]], t) for p in programs}


def _health_body(
    program: Mapping[Any, Any], rows: list[dict[str, Any]], as_of: date
) -> dict[str, Any]:
    judged = [r["health"] for r in rows if r["health"] is not None]
    worst = max(judged, key=STATUSES.index) if judged else None
    return {
        **_owner(dict(program)),
        "as_of": as_of,
        "health": worst,
        "decided_by": [r["code"] for r in rows if worst is not None and r["health"] == worst],
        "projects": rows,
    }
