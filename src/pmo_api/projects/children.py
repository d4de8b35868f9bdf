"""The writes of the rows a project owns (milestones, progress records, costs...), written once.

Every such write follows one order: the caller's role → the project's row locked (so the writes
of one project, and the aggregates they rebuild, never interleave) → the precondition → the
write itself (core/crud.py: version and audit event) → the project's aggregates rebuilt → the
row read back as the caller sees it. A domain describes its rows once (`ChildWrites`: their
stored values, their own rules) and its create/update/delete services are its methods.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Table
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import changed_only, delete_row, insert_row, update_row
from pmo_api.core.etags import Precondition
from pmo_api.core.patch import MergePatch
from pmo_api.projects.service import Reader, locked_child, visible_project

# Rebuilds the aggregates of the projects named (evm/aggregates.py's refresh, refresh_risks).
Refresh = Callable[[AsyncConnection, Sequence[uuid.UUID]], Awaitable[None]]
# The stored values of the API's fields (money in cents, weights in thousandths...).
Values = Callable[[dict[str, Any]], dict[str, Any]]
# A rule of the kind checked before a write, given the locked project and the values (create)
# or the current row and its changes (update): raises to refuse the write.
Check = Callable[[AsyncConnection, Principal, Mapping[Any, Any], dict[str, Any]], Awaitable[None]]


async def child_to_write(
    conn: AsyncConnection,
    principal: Principal,
    child_id: uuid.UUID,
    read: Reader,
    precondition: Precondition,
    *,
    role: Role = Role.editor,
) -> RowMapping:
    """The checks of every write to a row under a project, in their order: the caller's role,
    the project locked (locked_child), then the precondition against the current version."""
    principal.require(role)
    current = await locked_child(conn, principal, child_id, read)
    precondition.check(current["version"])
    return current


async def update_child(
    conn: AsyncConnection,
    principal: Principal,
    table: Table,
    current: RowMapping,
    changes: Mapping[str, Any],
    read: Reader,
    *,
    refresh: Refresh | None = None,
) -> RowMapping:
    """Write the `changes` that differ from `current` (a row child_to_write gave), rebuild the
    project's aggregates (`refresh`) and read the row again; no change writes nothing."""
    changed = changed_only(current, changes)
    if not changed:
        return current
    await update_row(conn, table, current, changed, actor=principal)
    if refresh is not None:
        await refresh(conn, [current["project_id"]])
    return await read(conn, principal, current["id"])


def _as_given(values: dict[str, Any]) -> dict[str, Any]:
    return values


@dataclass(frozen=True)
class ChildWrites:
    """How the rows of `table` (each with its `project_id`) are written: `read` finds one the
    caller may see (404 otherwise), `refresh` rebuilds what depends on them. Its methods have
    the signatures of core/writes.py, so a domain's services can be them:
    `update_milestone = MILESTONES.update`."""

    table: Table
    read: Reader
    refresh: Refresh
    values: Values = _as_given
    check_create: Check | None = None
    check_update: Check | None = None
    role: Role = Role.editor

    async def create(
        self, conn: AsyncConnection, *, principal: Principal, ref: str, data: BaseModel
    ) -> RowMapping:
        """A new row under the project `ref` (id or code)."""
        principal.require(self.role)
        project = await visible_project(conn, principal, ref, lock=True)
        values = self.values(data.model_dump())
        if self.check_create is not None:
            await self.check_create(conn, principal, project, values)
        values = {"project_id": project["id"], **values}
        new = await insert_row(conn, self.table, values, actor=principal)
        await self.refresh(conn, [project["id"]])
        return await self.read(conn, principal, new)

    async def update(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: uuid.UUID,
        patch: MergePatch,
        precondition: Precondition,
    ) -> RowMapping:
        """The row with the fields of `patch` that differ from it; no write at all when none
        does."""
        current = await child_to_write(
            conn, principal, object_id, self.read, precondition, role=self.role
        )
        changes = changed_only(current, self.values(patch.changes()))
        if changes and self.check_update is not None:
            await self.check_update(conn, principal, current, changes)
        return await update_child(
            conn, principal, self.table, current, changes, self.read, refresh=self.refresh
        )

    async def delete(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: uuid.UUID,
        precondition: Precondition,
    ) -> None:
        current = await child_to_write(
            conn, principal, object_id, self.read, precondition, role=self.role
        )
        await delete_row(conn, self.table, current, actor=principal)
        await self.refresh(conn, [current["project_id"]])
