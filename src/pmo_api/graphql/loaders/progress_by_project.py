"""Each project's progress records (in `as_of` order, as REST lists them), for
`project.progress`: one statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.all_of_each import all_of_each
from pmo_api.schedule import repository
from pmo_api.schedule.models import progress_records


def progress_by_project(
    db: Database, principal: Principal
) -> DataLoader[uuid.UUID, list[RowMapping]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[RowMapping]]:
        stmt = repository.progress_of(principal)
        async with db.read() as conn:
            found = await all_of_each(
                conn, stmt, repository.PROGRESS_ORDER, progress_records.c.project_id, ids
            )
        return [found.get(i, []) for i in ids]

    return DataLoader(load_fn=load)
