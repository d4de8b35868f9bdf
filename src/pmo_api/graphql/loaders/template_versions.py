"""Every version of methodology templates by template id, for `methodologyTemplate.versions`
and `project.template`: one statement per batch. Templates are shared by every portfolio, so
there is no scope to apply (the principal is there for the loaders' shared signature)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.templates import repository


def template_versions(
    db: Database, principal: Principal
) -> DataLoader[uuid.UUID, list[RowMapping]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[RowMapping]]:
        async with db.read() as conn:
            rows = await repository.every_version(conn, list(ids))
        by_template: dict[uuid.UUID, list[RowMapping]] = {i: [] for i in ids}
        for row in rows:
            by_template[row["id"]].append(row)
        return [by_template[i] for i in ids]

    return DataLoader(load_fn=load)
