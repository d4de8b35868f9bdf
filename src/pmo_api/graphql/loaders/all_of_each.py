"""Every row of a list for each of many owners (projects), in the list's order: one statement
for any number of owners, for the lists nested under a project that have no pages."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import Column, Select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.pagination import Sort


async def all_of_each(
    conn: AsyncConnection,
    stmt: Select[Any],
    sort: Sort,
    owner: Column[uuid.UUID],
    owners: Collection[uuid.UUID],
) -> dict[uuid.UUID, list[RowMapping]]:
    """The rows of `stmt` (which selects `owner` under its own name) of each owner, in `sort`
    order; an owner without rows is absent."""
    ordered = stmt.where(owner.in_(sorted(set(owners)))).order_by(*sort.order_by())
    found: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
    for row in (await conn.execute(ordered)).mappings():
        found[row[owner.key]].append(row)
    return found
