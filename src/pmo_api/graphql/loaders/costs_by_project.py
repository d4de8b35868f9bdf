"""The first N cost entries of each project (in the order and with the cursors of REST's
project cost list), for `project.costs(first)`: one statement per batch (per distinct N),
whatever the number of projects. A page after a cursor is read by the resolver itself."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.budget import repository
from pmo_api.budget.models import cost_entries
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page, first_of_each

Key = tuple[uuid.UUID, int]  # (project id, how many)


def costs_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    async def load(keys: Sequence[Key]) -> list[Page]:
        by_size: dict[int, set[uuid.UUID]] = defaultdict(set)
        for project_id, first in keys:
            by_size[first].add(project_id)
        found: dict[Key, Page] = {}
        async with db.read() as conn:
            for first, project_ids in by_size.items():
                stmt = repository.costs_of(principal)
                pages = await first_of_each(
                    conn, stmt, repository.COST_ORDER, cost_entries.c.project_id, project_ids, first
                )
                for project_id, page in pages.items():
                    found[(project_id, first)] = page
        return [found.get(key, ([], False)) for key in keys]

    return DataLoader(load_fn=load)
