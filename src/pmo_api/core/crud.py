"""Versioned writes shared by every domain's repository: insert, optimistic update, delete.
Each records its audit event in the same transaction (see audit/recorder.py)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.audit import recorder
from pmo_api.compliance import stamps
from pmo_api.core.clock import utcnow
from pmo_api.core.errors import PreconditionFailed
from pmo_api.core.ids import new_id
from pmo_api.deletions import recorder as tombstones

_CHANGED_MEANWHILE = "the resource changed while this request ran; read it again and retry"


async def insert_row(
    conn: AsyncConnection, table: Table, values: dict[str, Any], *, actor: Principal
) -> uuid.UUID:
    """Insert a tracked row (id, timestamps and version set here) and return its id."""
    now = utcnow()
    row_id = new_id()
    await conn.execute(
        insert(table).values(id=row_id, created_at=now, updated_at=now, version=1, **values)
    )
    await recorder.record(
        conn,
        actor=actor,
        action="create",
        table=table,
        object_id=row_id,
        before=None,
        after=values,
    )
    await stamps.changed(conn, table, {"id": row_id, **values})
    return row_id


async def update_row(
    conn: AsyncConnection,
    table: Table,
    current: Mapping[Any, Any],
    changes: dict[str, Any],
    *,
    actor: Principal,
    action: str = "update",
) -> None:
    """Apply `changes` to the row `current` (read in this transaction) only if it is still at
    that version, and bump the version; 412 when another writer got there first."""
    row_id, version = current["id"], current["version"]
    result = await conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == version)
        .values(**changes, updated_at=utcnow(), version=version + 1)
    )
    if result.rowcount != 1:
        raise PreconditionFailed(_CHANGED_MEANWHILE)
    await recorder.record(
        conn,
        actor=actor,
        action=action,
        table=table,
        object_id=row_id,
        before={name: current[name] for name in changes},
        after=changes,
    )
    await stamps.changed(conn, table, current)
    # A row moved to another project changes that one's compliance too.
    await stamps.changed(conn, table, changes)


async def delete_row(
    conn: AsyncConnection, table: Table, current: Mapping[Any, Any], *, actor: Principal
) -> None:
    """Delete the row `current` if still at its version (412 otherwise), with its audit event
    and its tombstone."""
    row_id, version = current["id"], current["version"]
    result = await conn.execute(
        delete(table).where(table.c.id == row_id, table.c.version == version)
    )
    if result.rowcount != 1:
        raise PreconditionFailed(_CHANGED_MEANWHILE)
    # The tombstone an incremental pull reads (GET /api/v1/deletions), in this transaction.
    await tombstones.record(conn, table, current)
    await recorder.record(
        conn,
        actor=actor,
        action="delete",
        table=table,
        object_id=row_id,
        before=current,
        after=None,
    )
    await stamps.changed(conn, table, current)


def tracked_fields(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The fields every tracked resource shows: `created_at`, `updated_at`, `version`."""
    return {
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


def changed_only(current: Mapping[Any, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes that differ from the current row (a write of the same value is no change)."""
    return {k: v for k, v in changes.items() if v != current[k]}
