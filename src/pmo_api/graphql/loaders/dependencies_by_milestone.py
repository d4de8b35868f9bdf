"""The dependencies in (`in`: predecessors) or out (`out`: successors) of each milestone, for
`milestone.predecessors` and `milestone.successors`: one statement per direction for every
milestone of a request."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.dependencies import repository

Key = tuple[uuid.UUID, str]  # (milestone id, "in" or "out")


def dependencies_by_milestone(db: Database, principal: Principal) -> DataLoader[Key, list[Any]]:
    async def load(keys: Sequence[Key]) -> list[list[Any]]:
        found: dict[Key, list[Any]] = defaultdict(list)
        async with db.read() as conn:
            for direction, end in (("in", "successor_id"), ("out", "predecessor_id")):
                ids = sorted({m for m, d in keys if d == direction})
                if not ids:
                    continue
                stmt = repository.presented(principal)
                column = stmt.selected_columns[end]
                stmt = stmt.where(column.in_(ids)).order_by(
                    stmt.selected_columns.created_at, stmt.selected_columns.id
                )
                for row in (await conn.execute(stmt)).mappings().all():
                    found[(uuid.UUID(str(row[end])), direction)].append(row)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
