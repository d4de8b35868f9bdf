"""The first N cost entries of each project (in the order and with the cursors of REST's
project cost list), for `project.costs(first)`: one statement per batch (per distinct N),
whatever the number of projects. A page after a cursor is read by the resolver itself."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.budget import repository
from pmo_api.budget.models import cost_entries
from pmo_api.core.listing import ListQuery
from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database

Key = tuple[uuid.UUID, int]  # (project id, how many)
Page = tuple[list[RowMapping], bool]  # the rows, and whether more follow

DEFAULT_SORT: Sort = repository.cost_sort(ListQuery(1, None, None, None, None))


def costs_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    async def load(keys: Sequence[Key]) -> list[Page]:
        by_size: dict[int, set[uuid.UUID]] = defaultdict(set)
        for project_id, first in keys:
            by_size[first].add(project_id)
        found: dict[Key, list[RowMapping]] = defaultdict(list)
        async with db.read() as conn:
            for first, project_ids in by_size.items():
                rank = (
                    func.row_number()
                    .over(partition_by=cost_entries.c.project_id, order_by=DEFAULT_SORT.order_by())
                    .label("rank")
                )
                inner = (
                    repository.costs_of(principal)
                    .add_columns(rank)
                    .where(cost_entries.c.project_id.in_(sorted(project_ids)))
                    .subquery()
                )
                # One row beyond the page tells whether another page follows.
                stmt = (
                    select(inner)
                    .where(inner.c.rank <= first + 1)
                    .order_by(inner.c.project_id, inner.c.rank)
                )
                for row in (await conn.execute(stmt)).mappings():
                    found[(row["project_id"], first)].append(row)
        pages: list[Page] = []
        for key in keys:
            rows = found.get(key, [])
            pages.append((rows[: key[1]], len(rows) > key[1]))
        return pages

    return DataLoader(load_fn=load)
