"""The lines of each project's current budget baseline (or of an earlier one, by number), in
`period` order as REST lists them, for `project.budgetLines`: one statement per batch for the
current baselines, and one per distinct earlier number asked for."""

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
from pmo_api.graphql.loaders.all_of_each import all_of_each

Key = tuple[uuid.UUID, int | None]  # (project id, baseline number; None: the current one)


def budget_lines_by_project(
    db: Database, principal: Principal
) -> DataLoader[Key, list[RowMapping]]:
    async def load(keys: Sequence[Key]) -> list[list[RowMapping]]:
        by_number: dict[int | None, list[uuid.UUID]] = defaultdict(list)
        for project_id, number in keys:
            by_number[number].append(project_id)
        found: dict[Key, list[RowMapping]] = {}
        async with db.read() as conn:
            for number, project_ids in by_number.items():
                stmt = repository.lines_of(principal, number)
                lines = await all_of_each(
                    conn, stmt, repository.LINE_ORDER, budget_lines.c.project_id, project_ids
                )
                for project_id, rows in lines.items():
                    found[(project_id, number)] = rows
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
