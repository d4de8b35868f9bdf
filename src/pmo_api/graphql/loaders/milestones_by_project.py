"""Each project's milestones (in `due_date` order, as REST lists them), for `project.milestones`:
one statement per batch, whatever the number of projects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.all_of_each import all_of_each
from pmo_api.schedule import repository
from pmo_api.schedule.models import milestones


def milestones_by_project(
    db: Database, principal: Principal
) -> DataLoader[uuid.UUID, list[RowMapping]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[RowMapping]]:
        stmt = repository.milestones_of(principal, today())
        async with db.read() as conn:
            found = await all_of_each(
                conn, stmt, repository.MILESTONE_ORDER, milestones.c.project_id, ids
            )
        return [found.get(i, []) for i in ids]

    return DataLoader(load_fn=load)
