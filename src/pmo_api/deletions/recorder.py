"""Writes a tombstone in the writer's transaction: a delete that rolls back leaves none.
core/crud.delete_row calls it for every delete, so no service can forget; the project service
calls it for an archive and for a move to another portfolio."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.audit.recorder import object_type
from pmo_api.core.clock import utcnow
from pmo_api.core.ids import new_id
from pmo_api.deletions.models import TombstoneReason, tombstones
from pmo_api.projects.models import projects


async def _where(
    conn: AsyncConnection, table: Table, row: Mapping[Any, Any]
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(project_id, portfolio_id) of the row as it was: its own for a project or portfolio, its
    project's for a row a project owns, none for a row no portfolio holds."""
    if table is projects:
        return row["id"], row["portfolio_id"]
    if table.name == "portfolios":
        return None, row["id"]
    if "project_id" in table.c and row["project_id"] is not None:
        stmt = select(projects.c.portfolio_id).where(projects.c.id == row["project_id"])
        return row["project_id"], (await conn.execute(stmt)).scalar()
    if "portfolio_id" in table.c:
        return None, row["portfolio_id"]
    return None, None


async def record(
    conn: AsyncConnection,
    table: Table,
    row: Mapping[Any, Any],
    *,
    reason: TombstoneReason = TombstoneReason.DELETED,
) -> None:
    """The tombstone of `row` (of `table`, read in this transaction, before the change)."""
    project_id, portfolio_id = await _where(conn, table, row)
    await conn.execute(
        insert(tombstones).values(
            id=new_id(),
            object_type=object_type(table).value,
            object_id=row["id"],
            project_id=project_id,
            portfolio_id=portfolio_id,
            deleted_at=utcnow(),
            reason=reason.value,
        )
    )
