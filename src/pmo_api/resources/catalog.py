"""The writes and reads of the rows resource management shares across every portfolio (roles,
skills, resources, their skills, rates and time off, holidays), written once.

They belong to no portfolio, so any caller reads them all (as KPI definitions), and only an
admin not limited to portfolios changes them: a limited admin would change what the other
portfolios plan with. A `Catalog` describes one table (its API fields, money, unique columns,
its own rules); its methods have the signatures of core/writes.py, so routers and GraphQL
mutations call them as any service.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, Table, exists, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import changed_only, delete_row, insert_row, tracked_fields, update_row
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, narrowed
from pmo_api.core.money import from_minor, to_minor
from pmo_api.core.pagination import Kind, SortField, parse_sort, tracked_sorts
from pmo_api.core.patch import MergePatch

WHY = "resource management is shared by every portfolio: it needs a key not limited to them"

# A rule of a table's rows, given the row as it would be after the write: raises to refuse it.
Check = Callable[[AsyncConnection, Mapping[str, Any]], Awaitable[None]]
# What follows a write, given the row written (or deleted).
After = Callable[[AsyncConnection, Mapping[Any, Any]], Awaitable[None]]
# Why a row cannot be deleted (another row still uses it), or None.
InUse = Callable[[AsyncConnection, uuid.UUID], Awaitable[str | None]]


async def _no_check(conn: AsyncConnection, row: Mapping[str, Any]) -> None:
    return None


async def _nothing_after(conn: AsyncConnection, row: Mapping[Any, Any]) -> None:
    return None


async def _never_used(conn: AsyncConnection, row_id: uuid.UUID) -> str | None:
    return None


def ordered(values: Mapping[str, Any], first: str, last: str) -> None:
    """`last` is not before `first` when both are set: a 422 naming `last` otherwise."""
    start, end = values.get(first), values.get(last)
    if start is not None and end is not None and end < start:
        raise Invalid.field(["body", last], f"{last} ({end}) is before {first} ({start})", "order")


@dataclass(frozen=True)
class Catalog:
    """The rows of `table`, named `what` in messages, shown as `fields` (after the id), money
    in `money`; each group of `unique` columns is unique (a 409 names it); `parent` is the
    column of the row (a resource) they belong to, if any; `sorts` the extra sort fields."""

    table: Table
    what: str
    fields: tuple[str, ...]
    money: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    parent: str | None = None
    parent_catalog: Catalog | None = None
    check: Check = _no_check
    after: After = _nothing_after
    in_use: InUse = _never_used
    search: tuple[str, ...] = ()
    default_sort: str = "created_at"
    sorts: Mapping[str, Kind] = dataclasses.field(default_factory=dict)

    # --- reads ------------------------------------------------------------------------------

    def json(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        body = {"id": row["id"], **{n: row[n] for n in self.fields}, **tracked_fields(row)}
        for name in self.money:
            body[name] = from_minor(body[name])
        return body

    async def get(self, conn: AsyncConnection, row_id: uuid.UUID) -> RowMapping | None:
        stmt = select(self.table).where(self.table.c.id == row_id)
        row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
        return row

    async def visible(
        self, conn: AsyncConnection, principal: Principal, *ids: uuid.UUID
    ) -> RowMapping:
        """The row of the last id (under the parent the first names, if any), or a 404. Every
        caller sees every row (the `principal` is there for the reads' shared signature)."""
        *parents, row_id = ids
        row = await self.get(conn, row_id)
        if row is not None and self.parent is not None and row[self.parent] != parents[0]:
            row = None
        return found(row, f"{self.what} {row_id}")

    def listing(self, filter: Any, sort: str | None) -> Listing:
        """The rows matching `filter` (a dataclass: `q`, `updated_since`, and columns by name,
        a tuple of values an OR, a single value an equality), in `sort` order."""
        stmt: Select[Any] = select(self.table)
        among: list[tuple[Any, Sequence[Any]]] = []
        for field in dataclasses.fields(filter):
            value = getattr(filter, field.name)
            if field.name in ("q", "updated_since") or value is None:
                continue
            if isinstance(value, tuple):
                among.append((self.table.c[field.name], value))
            else:
                stmt = stmt.where(self.table.c[field.name] == value)
        stmt = narrowed(
            stmt,
            self.table,
            among=among,
            q=getattr(filter, "q", None) if self.search else None,  # nothing to search: no filter
            search=tuple(self.table.c[n] for n in self.search),
            updated_since=getattr(filter, "updated_since", None),
        )
        return Listing(stmt, parse_sort(sort, self.sort_fields(), self.default_sort))

    def sort_fields(self) -> dict[str, SortField]:
        """What the list sorts by: the tracked fields and this table's own."""
        sorts = tracked_sorts(self.table)
        for name, kind in self.sorts.items():
            column = self.table.c[name]
            sorts[name] = SortField(name, column, kind, nullable=bool(column.nullable))
        return sorts

    # --- writes -----------------------------------------------------------------------------

    def _stored(self, values: dict[str, Any]) -> dict[str, Any]:
        for name in self.money:
            if values.get(name) is not None:
                values[name] = to_minor(values[name])
        return values

    async def _check(
        self, conn: AsyncConnection, row: Mapping[str, Any], other_than: uuid.UUID | None
    ) -> None:
        await self.check(conn, row)
        for columns in self.unique:
            if any(row.get(c) is None for c in columns):
                continue
            cond = [self.table.c[c] == row[c] for c in columns]
            if other_than is not None:
                cond.append(self.table.c.id != other_than)
            if (await conn.execute(select(exists().where(*cond)))).scalar():
                shown = ", ".join(f"{c} {row[c]}" for c in columns if c != self.parent)
                raise Conflict(f"a {self.what} with {shown} already exists")

    async def create(
        self, conn: AsyncConnection, *, principal: Principal, data: BaseModel, **parent: Any
    ) -> RowMapping:
        principal.require_unlimited(Role.admin, WHY)
        if self.parent_catalog is not None:
            await self.parent_catalog.visible(conn, principal, *parent.values())
        values = {**parent, **self._stored(data.model_dump())}
        await self._check(conn, values, None)
        new = await insert_row(conn, self.table, values, actor=principal)
        row = await self.visible(conn, principal, *parent.values(), new)
        await self.after(conn, row)
        return row

    async def update(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: uuid.UUID,
        patch: MergePatch,
        precondition: Precondition,
        **parent: Any,
    ) -> RowMapping:
        principal.require_unlimited(Role.admin, WHY)
        current = await self.visible(conn, principal, *parent.values(), object_id)
        precondition.check(current["version"])
        changes = changed_only(current, self._stored(patch.changes()))
        if not changes:
            return current
        await self._check(conn, {**current, **changes}, object_id)
        await update_row(conn, self.table, current, changes, actor=principal)
        row = await self.visible(conn, principal, *parent.values(), object_id)
        await self.after(conn, row)
        return row

    async def delete(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: uuid.UUID,
        precondition: Precondition,
        **parent: Any,
    ) -> None:
        principal.require_unlimited(Role.admin, WHY)
        current = await self.visible(conn, principal, *parent.values(), object_id)
        precondition.check(current["version"])
        reason = await self.in_use(conn, object_id)
        if reason is not None:
            raise Conflict(f"the {self.what} cannot be deleted: {reason}")
        await delete_row(conn, self.table, current, actor=principal)
        await self.after(conn, current)
