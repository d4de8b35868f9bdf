"""The pages of a filtered list nested under each of its owners (a project's costs, risks, status
reports): the first page of every owner a request shows through one DataLoader (keyed by owner,
page size and filter: one statement per distinct page size and filter, whatever the number of
owners, first_of_each), and a later page (after a cursor) read for its owner alone, exactly as
REST pages it."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.listing import Listing, ListQuery
from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page, first_of_each
from pmo_api.graphql.relay import Connection, connection

# A list's filter: a frozen dataclass (hashable: part of the DataLoader's key) whose `project`
# names the one owner of a list, as the domains' XFilter do.
F = TypeVar("F", bound=Hashable)
T = TypeVar("T")
# A domain's list service: `list_x(conn, principal, filter)`, in its default order.
ListOf = Callable[[AsyncConnection, Principal, F], Awaitable[Listing]]
Key = tuple[uuid.UUID, int, Any]  # (owner id, page size, filter)


class OwnerPages(Generic[F]):
    """Made for each request (graphql/loaders/__init__.py), like a DataLoader."""

    def __init__(
        self,
        db: Database,
        principal: Principal,
        list_of: ListOf[F],
        owner: Column[Any],
        order: Sort,
        *,
        alone: Callable[[F, uuid.UUID], F] | None = None,
    ) -> None:
        self._db = db
        self._principal = principal
        self._list_of = list_of
        self._owner = owner  # the column of the list's rows that names their owner
        self._order = order  # `list_of`'s default order
        # `wanted` narrowed to one owner, for a later page: by default its `project`
        self._alone = alone or _of_project
        self._first: DataLoader[Key, Page] = DataLoader(load_fn=self._load)
        self._counts: DataLoader[tuple[uuid.UUID, Any], int] = DataLoader(load_fn=self._count)

    async def connection(
        self, owner_id: uuid.UUID, wanted: F, query: ListQuery, to_node: Callable[[Any], T]
    ) -> Connection[T]:
        """The page `query` asks for of the owner's rows that match `wanted`."""
        rows: Sequence[Any]
        if query.cursor is None:
            rows, more = await self._first.load((owner_id, query.limit, wanted))
            next_cursor = self._order.cursor_for(rows[-1]) if more else None
        else:
            alone = self._alone(wanted, owner_id)
            async with self._db.read() as conn:
                listing = await self._list_of(conn, self._principal, alone)
                rows, next_cursor = await listing.page(conn, query)

        async def count() -> int:
            return await self._counts.load((owner_id, wanted))

        return connection(rows, next_cursor, self._order, to_node, count)

    async def _count(self, keys: Sequence[tuple[uuid.UUID, Any]]) -> list[int]:
        """`totalCount` of each owner's list: one grouped count per distinct filter."""
        groups: dict[F, set[uuid.UUID]] = defaultdict(set)
        for owner_id, wanted in keys:
            groups[wanted].add(owner_id)
        found: dict[tuple[uuid.UUID, Any], int] = {}
        async with self._db.read() as conn:
            for wanted, owner_ids in groups.items():
                listing = await self._list_of(conn, self._principal, wanted)
                rows = listing.stmt.where(self._owner.in_(sorted(owner_ids))).subquery()
                owner = rows.c[self._owner.key]
                counted = select(owner, func.count()).group_by(owner)
                for owner_id, n in (await conn.execute(counted)).all():
                    found[(owner_id, wanted)] = int(n)
        return [found.get(key, 0) for key in keys]

    async def _load(self, keys: Sequence[Key]) -> list[Page]:
        groups: dict[tuple[int, F], set[uuid.UUID]] = defaultdict(set)
        for owner_id, first, wanted in keys:
            groups[(first, wanted)].add(owner_id)
        found: dict[Key, Page] = {}
        async with self._db.read() as conn:
            for (first, wanted), owner_ids in groups.items():
                listing = await self._list_of(conn, self._principal, wanted)
                pages = await first_of_each(
                    conn, listing.stmt, listing.sort, self._owner, owner_ids, first
                )
                for owner_id, page in pages.items():
                    found[(owner_id, first, wanted)] = page
        return [found.get(key, ([], False)) for key in keys]


def _of_project(wanted: F, owner_id: uuid.UUID) -> F:
    return dataclasses.replace(wanted, project=str(owner_id))  # type: ignore[type-var]
