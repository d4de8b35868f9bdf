"""A DataLoader of the first page of a filtered list for each of many owners (projects): the
keys are (owner id, page size, filter); one statement per distinct (page size, filter) in a
batch, whatever the number of owners (first_of_each). And the page of one owner a connection
nested under it shows: its first through that DataLoader, a later one read alone."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.listing import Listing, ListQuery
from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page, first_of_each

F = TypeVar("F", bound=Hashable)
# A domain's list service: `list_x(conn, principal, filter)` (its default order).
ListOf = Callable[[AsyncConnection, Principal, F], Awaitable[Listing]]


def first_pages(
    db: Database, principal: Principal, list_of: ListOf[F], owner: Column[Any]
) -> DataLoader[tuple[uuid.UUID, int, F], Page]:
    """Pages of `list_of`'s rows ranked within each `owner` (a column its rows select)."""

    async def load(keys: Sequence[tuple[uuid.UUID, int, F]]) -> list[Page]:
        groups: dict[tuple[int, F], set[uuid.UUID]] = defaultdict(set)
        for owner_id, first, wanted in keys:
            groups[(first, wanted)].add(owner_id)
        found: dict[tuple[uuid.UUID, int, F], Page] = {}
        async with db.read() as conn:
            for (first, wanted), owner_ids in groups.items():
                listing = await list_of(conn, principal, wanted)
                pages = await first_of_each(
                    conn, listing.stmt, listing.sort, owner, owner_ids, first
                )
                for owner_id, page in pages.items():
                    found[(owner_id, first, wanted)] = page
        return [found.get(key, ([], False)) for key in keys]

    return DataLoader(load_fn=load)


async def owner_page(
    db: Database,
    principal: Principal,
    pages: DataLoader[tuple[uuid.UUID, int, F], Page],
    list_of: ListOf[F],
    owner_id: uuid.UUID,
    wanted: F,
    *,
    alone: F,
    query: ListQuery,
    order: Sort,
) -> tuple[Sequence[Any], str | None]:
    """One owner's page of `list_of` and the next page's cursor: the first page through
    `pages` (batched with the other owners'), a later one (after a cursor) as REST pages it,
    with `alone` (`wanted` naming the owner)."""
    if query.cursor is None:
        rows, more = await pages.load((owner_id, query.limit, wanted))
        return rows, order.cursor_for(rows[-1]) if more else None
    async with db.read() as conn:
        listing = await list_of(conn, principal, alone)
        return await listing.page(conn, query)
