"""Each project's milestones (in `due_date` order, as REST lists them), for `project.milestones`:
one statement per batch, whatever the number of projects."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.core.listing import ListQuery
from pmo_api.db.database import Database
from pmo_api.schedule import repository
from pmo_api.schedule.models import milestones

_DEFAULT_ORDER = repository.milestone_sort(ListQuery(1, None, None, None, None))


def milestones_by_project(
    db: Database, principal: Principal
) -> DataLoader[uuid.UUID, list[RowMapping]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[RowMapping]]:
        stmt = (
            repository.milestones_of(principal, today())
            .where(milestones.c.project_id.in_(sorted(set(ids))))
            .order_by(*_DEFAULT_ORDER.order_by())
        )
        found: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
        async with db.read() as conn:
            for row in (await conn.execute(stmt)).mappings():
                found[row["project_id"]].append(row)
        return [found.get(i, []) for i in ids]

    return DataLoader(load_fn=load)
