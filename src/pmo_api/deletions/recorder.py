"""Writes a tombstone in the writer's transaction: a delete that rolls back leaves none.
core/crud.delete_row calls it for every delete, so no service can forget; the project service
calls it for an archive and for a move to another portfolio."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.audit.recorder import object_type
from pmo_api.core.clock import utcnow
from pmo_api.core.ids import new_id
from pmo_api.deletions.models import TombstoneReason, tombstones
from pmo_api.projects.models import projects


class _Where(NamedTuple):
    project_id: uuid.UUID | None
    portfolio_id: uuid.UUID | None
    program_id: uuid.UUID | None


async def _where(conn: AsyncConnection, table: Table, row: Mapping[Any, Any]) -> _Where:
    """Where the row was: its own project, portfolio and programme for a project (a
    programme's own portfolio and itself for a programme, its own id for a portfolio), its
    project's for a row a project owns, none for a row no portfolio holds."""
    if table is projects:
        return _Where(row["id"], row["portfolio_id"], row["program_id"])
    if table.name == "portfolios":
        return _Where(None, row["id"], None)
    if table.name == "programs":
        return _Where(None, row["portfolio_id"], row["id"])
    if "project_id" in table.c and row["project_id"] is not None:
        stmt = select(projects.c.portfolio_id, projects.c.program_id).where(
            projects.c.id == row["project_id"]
        )
        found = (await conn.execute(stmt)).one_or_none()
        if found is None:
            return _Where(row["project_id"], None, None)
        return _Where(row["project_id"], found.portfolio_id, found.program_id)
    if "portfolio_id" in table.c:
        return _Where(None, row["portfolio_id"], None)
    return _Where(None, None, None)


async def record(
    conn: AsyncConnection,
    table: Table,
    row: Mapping[Any, Any],
    *,
    reason: TombstoneReason = TombstoneReason.DELETED,
) -> None:
    """The tombstone of `row` (of `table`, read in this transaction, before the change)."""
    where = await _where(conn, table, row)
    await conn.execute(
        insert(tombstones).values(
            id=new_id(),
            object_type=object_type(table).value,
            object_id=row["id"],
            project_id=where.project_id,
            portfolio_id=where.portfolio_id,
            program_id=where.program_id,
            deleted_at=utcnow(),
            reason=reason.value,
        )
    )
