"""Each project's current budget baseline number (0 before the first), for `project.baseline`:
one statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from pmo_api.db.database import Database
from pmo_api.evm.models import project_finance


def baseline_by_project(db: Database) -> DataLoader[uuid.UUID, int]:
    async def load(ids: Sequence[uuid.UUID]) -> list[int]:
        stmt = select(project_finance.c.project_id, project_finance.c.baseline).where(
            project_finance.c.project_id.in_(sorted(set(ids)))
        )
        async with db.read() as conn:
            found = {row.project_id: int(row.baseline) for row in await conn.execute(stmt)}
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)
