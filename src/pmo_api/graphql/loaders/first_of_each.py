"""The first N rows of a list for each of many owners (projects), in the list's order: one
statement for any number of owners, for the connections nested under a project. A page after
a cursor is read by the resolver itself, one owner at a time, exactly as REST pages it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import Column, Select, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database

Page = tuple[list[RowMapping], bool]  # the rows, and whether more follow


async def first_of_each(
    conn: AsyncConnection,
    stmt: Select[Any],
    sort: Sort,
    owner: Column[uuid.UUID],
    owners: Collection[uuid.UUID],
    first: int,
) -> dict[uuid.UUID, Page]:
    """`stmt` (which selects `owner` under its own name) ranked within each owner in `sort`
    order: each owner's first `first` rows, and whether another page follows (one row beyond
    the page is read to tell)."""
    rank = func.row_number().over(partition_by=owner, order_by=sort.order_by()).label("rank")
    inner = stmt.add_columns(rank).where(owner.in_(sorted(set(owners)))).subquery()
    ranked = (
        select(inner).where(inner.c.rank <= first + 1).order_by(inner.c[owner.key], inner.c.rank)
    )
    found: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
    for row in (await conn.execute(ranked)).mappings():
        found[row[owner.key]].append(row)
    return {key: (rows[:first], len(rows) > first) for key, rows in found.items()}


Key = tuple[uuid.UUID, int]  # (owner id, how many rows at most)


def first_rows_loader(
    db: Database, statement: Callable[[], Select[Any]], sort: Sort, owner: Column[uuid.UUID]
) -> DataLoader[Key, list[RowMapping]]:
    """A DataLoader of each owner's first N rows of `statement()` (a list nested under a
    project without pages, bounded by its `first`): one statement per distinct N in a batch."""

    async def load(keys: Sequence[Key]) -> list[list[RowMapping]]:
        by_size: dict[int, set[uuid.UUID]] = defaultdict(set)
        for owner_id, first in keys:
            by_size[first].add(owner_id)
        found: dict[Key, list[RowMapping]] = {}
        stmt = statement()
        async with db.read() as conn:
            for first, ids in by_size.items():
                pages = await first_of_each(conn, stmt, sort, owner, ids, first)
                for owner_id, (rows, _more) in pages.items():
                    found[(owner_id, first)] = rows
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
