"""The writes of the rows a project owns (milestones, progress records, costs...), written once.

Every such write follows one order: the caller's role → the project's row locked (so the writes
of one project, and the aggregates they rebuild, never interleave) → the precondition → the
write itself (core/crud.py: version and audit event) → the project's aggregates rebuilt → the
row read back as the caller sees it. A domain describes its rows once (`ChildWrites`) and its
services are then one call each, with what is particular to them (their values, their checks).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import changed_only, delete_row, insert_row, update_row
from pmo_api.core.etags import Precondition
from pmo_api.projects.service import Reader, locked_child, visible_project

# Rebuilds the aggregates of the projects named (evm/aggregates.py's refresh, refresh_risks).
Refresh = Callable[[AsyncConnection, Sequence[uuid.UUID]], Awaitable[None]]
# A rule checked before a create (given the locked project) or an update (the current row and
# its changes): raises to refuse the write.
CreateCheck = Callable[[Mapping[Any, Any]], Awaitable[None]]
UpdateCheck = Callable[[Mapping[Any, Any], dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class ChildWrites:
    """How the rows of `table` (each with its `project_id`) are written: `read` finds one the
    caller may see (404 otherwise), `refresh` rebuilds what depends on them."""

    table: Table
    read: Reader
    refresh: Refresh
    role: Role = Role.editor

    async def create(
        self,
        conn: AsyncConnection,
        principal: Principal,
        ref: str,
        values: dict[str, Any],
        *,
        check: CreateCheck | None = None,
    ) -> RowMapping:
        """A new row with `values` under the project `ref` (id or code)."""
        principal.require(self.role)
        project = await visible_project(conn, principal, ref, lock=True)
        if check is not None:
            await check(project)
        values = {"project_id": project["id"], **values}
        new = await insert_row(conn, self.table, values, actor=principal)
        await self.refresh(conn, [project["id"]])
        return await self.read(conn, principal, new)

    async def update(
        self,
        conn: AsyncConnection,
        principal: Principal,
        object_id: uuid.UUID,
        precondition: Precondition,
        changes: Callable[[RowMapping], dict[str, Any]],
        *,
        check: UpdateCheck | None = None,
    ) -> RowMapping:
        """The row with the `changes` (computed from the current row) that differ from it; no
        write at all when none does."""
        principal.require(self.role)
        current = await locked_child(conn, principal, object_id, self.read)
        precondition.check(current["version"])
        changed = changed_only(current, changes(current))
        if not changed:
            return current
        if check is not None:
            await check(current, changed)
        await update_row(conn, self.table, current, changed, actor=principal)
        await self.refresh(conn, [current["project_id"]])
        return await self.read(conn, principal, object_id)

    async def delete(
        self,
        conn: AsyncConnection,
        principal: Principal,
        object_id: uuid.UUID,
        precondition: Precondition,
    ) -> None:
        principal.require(self.role)
        current = await locked_child(conn, principal, object_id, self.read)
        precondition.check(current["version"])
        await delete_row(conn, self.table, current, actor=principal)
        await self.refresh(conn, [current["project_id"]])
