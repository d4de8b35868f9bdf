"""Each project's progress records (in `as_of` order, as REST lists them), for
`project.progress`: one statement per batch."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.listing import ListQuery
from pmo_api.db.database import Database
from pmo_api.projects.models import projects
from pmo_api.schedule import repository
from pmo_api.schedule.models import progress_records

_DEFAULT_ORDER = repository.progress_sort(ListQuery(1, None, None, None, None))


def progress_by_project(
    db: Database, principal: Principal
) -> DataLoader[uuid.UUID, list[RowMapping]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[RowMapping]]:
        stmt = (
            progress_records.select()
            .join(projects, projects.c.id == progress_records.c.project_id)
            .where(
                progress_records.c.project_id.in_(sorted(set(ids))),
                projects.c.archived_at.is_(None),
                principal.portfolio_filter(projects.c.portfolio_id),
            )
            .order_by(*_DEFAULT_ORDER.order_by())
        )
        found: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
        async with db.read() as conn:
            for row in (await conn.execute(stmt)).mappings():
                found[row["project_id"]].append(row)
        return [found.get(i, []) for i in ids]

    return DataLoader(load_fn=load)
