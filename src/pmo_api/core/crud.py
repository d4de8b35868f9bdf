"""Versioned writes shared by every domain's repository: insert, optimistic update, delete."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.clock import utcnow
from pmo_api.core.errors import PreconditionFailed
from pmo_api.core.ids import new_id

_CHANGED_MEANWHILE = "the resource changed while this request ran; read it again and retry"


async def insert_row(conn: AsyncConnection, table: Table, values: dict[str, Any]) -> uuid.UUID:
    """Insert a tracked row (id, timestamps and version set here) and return its id."""
    now = utcnow()
    row_id = new_id()
    await conn.execute(
        insert(table).values(id=row_id, created_at=now, updated_at=now, version=1, **values)
    )
    return row_id


async def update_row(
    conn: AsyncConnection,
    table: Table,
    row_id: uuid.UUID,
    version: int,
    values: dict[str, Any],
) -> None:
    """Apply `values` only if the row is still at `version`, and bump the version; 412 when
    another writer got there first."""
    result = await conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == version)
        .values(**values, updated_at=utcnow(), version=version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed(_CHANGED_MEANWHILE)


async def delete_row(conn: AsyncConnection, table: Table, row_id: uuid.UUID, version: int) -> None:
    result = await conn.execute(
        delete(table).where(table.c.id == row_id, table.c.version == version)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed(_CHANGED_MEANWHILE)
