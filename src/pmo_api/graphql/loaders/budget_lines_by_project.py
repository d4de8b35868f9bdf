"""The lines of each project's current budget baseline (or of an earlier one, by number), in
`period` order as REST lists them, for `project.budgetLines`: one statement per batch for the
current baselines, and one per distinct earlier number asked for (and per distinct `first`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.budget import repository
from pmo_api.budget.models import budget_lines
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import first_of_each

# (project id, baseline number (None: the current one), how many lines at most)
Key = tuple[uuid.UUID, int | None, int]


def budget_lines_by_project(
    db: Database, principal: Principal
) -> DataLoader[Key, list[RowMapping]]:
    async def load(keys: Sequence[Key]) -> list[list[RowMapping]]:
        by_number: dict[tuple[int | None, int], list[uuid.UUID]] = defaultdict(list)
        for project_id, number, first in keys:
            by_number[(number, first)].append(project_id)
        found: dict[Key, list[RowMapping]] = {}
        async with db.read() as conn:
            for (number, first), project_ids in by_number.items():
                stmt = repository.lines_of(principal, number)
                lines = await first_of_each(
                    conn, stmt, repository.LINE_ORDER, budget_lines.c.project_id, project_ids, first
                )
                for project_id, (rows, _more) in lines.items():
                    found[(project_id, number, first)] = rows
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
