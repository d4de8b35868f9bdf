"""Programmes by id, for `project.program` and `program(id)`: one statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.programs import repository


def program_by_id(db: Database, principal: Principal) -> DataLoader[uuid.UUID, RowMapping | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[RowMapping | None]:
        async with db.read() as conn:
            rows = await repository.get_many(conn, principal, list(ids))
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

    return DataLoader(load_fn=load)
