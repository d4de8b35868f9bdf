"""Each project's current budget baseline number (0 before the first), for `project.baseline`:
one statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.budget import repository
from pmo_api.db.database import Database


def baseline_by_project(db: Database, principal: Principal) -> DataLoader[uuid.UUID, int]:
    async def load(ids: Sequence[uuid.UUID]) -> list[int]:
        async with db.read() as conn:
            found = await repository.current_baselines(conn, principal, ids)
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)
