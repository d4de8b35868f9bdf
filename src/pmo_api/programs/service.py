"""Rules for programmes. Services receive the transaction and never commit.

A programme belongs to one portfolio; its objectives are ids of that portfolio's strategic
objectives (422 `objectives` otherwise); a project names at most one programme, of its own
portfolio (projects/service.py checks it through `program_for`). A programme that projects
still name cannot be deleted (409): detach them first (PATCH the project's `program_id` to
null), so no project changes without its own version and audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.programs import repository as repo
from pmo_api.programs.models import programs
from pmo_api.programs.schemas import ProgramCreate, ProgramListParams, ProgramPatch


def program_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in repo.FIELDS}


@dataclass(frozen=True)
class ProgramFilter:
    """The filters of the programme lists: every programme the caller may see, or one
    portfolio's (`portfolio_ids` from the path). Several values of one filter are an OR."""

    portfolio_ids: tuple[uuid.UUID, ...] = ()
    status: tuple[str, ...] = ()
    manager: tuple[str, ...] = ()
    sponsor: tuple[str, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None
    portfolio: uuid.UUID | None = None  # the one portfolio of the list; 404 if not visible

    @classmethod
    def of(cls, params: ProgramListParams, *, portfolio: uuid.UUID | None = None) -> ProgramFilter:
        return filter_of(cls, params, portfolio=portfolio)


async def list_programs(
    conn: AsyncConnection, principal: Principal, filter: ProgramFilter, *, sort: str | None = None
) -> Listing:
    """The programmes the caller may see that match `filter`, in `sort` order (default:
    creation): the list, a portfolio's, their CSV and GraphQL's alike."""
    stmt = repo.presented(principal)
    if filter.portfolio is not None:
        await visible_portfolio(conn, principal, filter.portfolio)
        stmt = stmt.where(programs.c.portfolio_id == filter.portfolio)
    stmt = repo.filtered(stmt, **narrowing(filter, "portfolio"))
    return Listing(stmt, repo.sort_of(sort))


async def visible_program(
    conn: AsyncConnection, principal: Principal, program_id: uuid.UUID, *, lock: bool = False
) -> RowMapping:
    row = await repo.get(conn, principal, program_id, lock=lock)
    if row is None:
        raise NotFound(f"program {program_id} does not exist")
    return row


async def program_for(
    conn: AsyncConnection, principal: Principal, program_id: uuid.UUID, portfolio_id: uuid.UUID
) -> RowMapping:
    """The programme a project is put in: one the caller sees, of the project's portfolio
    (422 naming `program_id` otherwise)."""
    row = await repo.get(conn, principal, program_id)
    if row is None:
        raise Invalid.field(
            ["body", "program_id"], f"program {program_id} does not exist", "not_found"
        )
    if row["portfolio_id"] != portfolio_id:
        raise Invalid.field(
            ["body", "program_id"],
            f"program {program_id} belongs to another portfolio than the project's",
            "other_portfolio",
        )
    return row


async def _check_objectives(
    conn: AsyncConnection, portfolio_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[str]:
    if len(set(ids)) != len(ids):
        raise Invalid.field(["body", "objectives"], "names an objective twice", "duplicate")
    foreign = await repo.foreign_objectives(conn, portfolio_id, ids)
    if foreign:
        raise Invalid.field(
            ["body", "objectives"],
            f"objective {foreign[0]} is not a strategic objective of the programme's portfolio",
            "not_found",
        )
    return [str(i) for i in ids]


async def create_program(
    conn: AsyncConnection, *, principal: Principal, portfolio_id: uuid.UUID, data: ProgramCreate
) -> RowMapping:
    principal.require(Role.editor)
    await visible_portfolio(conn, principal, portfolio_id, lock=True)
    values = data.model_dump()
    values["objectives"] = await _check_objectives(conn, portfolio_id, data.objectives)
    if await repo.name_taken(conn, portfolio_id, data.name):
        raise Conflict(f"the portfolio already has a program named '{data.name}'")
    new_id = await insert_row(
        conn, programs, {"portfolio_id": portfolio_id, **values}, actor=principal
    )
    return await visible_program(conn, principal, new_id)


async def update_program(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: ProgramPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await visible_program(conn, principal, object_id, lock=True)
    precondition.check(current["version"])
    changes = patch.changes()
    if "objectives" in changes:
        changes["objectives"] = await _check_objectives(
            conn, current["portfolio_id"], changes["objectives"]
        )
    changes = {k: v for k, v in changes.items() if v != current[k]}
    if not changes:
        return current
    name = changes.get("name")
    if name is not None and await repo.name_taken(
        conn, current["portfolio_id"], name, other_than=object_id
    ):
        raise Conflict(f"the portfolio already has a program named '{name}'")
    await update_row(conn, programs, current, changes, actor=principal)
    return await visible_program(conn, principal, object_id)


async def delete_program(
    conn: AsyncConnection, *, principal: Principal, object_id: uuid.UUID, precondition: Precondition
) -> None:
    principal.require(Role.editor)
    current = await visible_program(conn, principal, object_id, lock=True)
    precondition.check(current["version"])
    if await repo.has_projects(conn, object_id):
        raise Conflict(
            "a program that projects belong to cannot be deleted; set their program_id to null "
            "(or to another program) first"
        )
    await delete_row(conn, programs, current, actor=principal)
