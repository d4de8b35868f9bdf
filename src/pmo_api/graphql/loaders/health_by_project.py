"""Each project's health as of today, for `project.health` and `project.healthReport`: one
statement per batch, whatever the number of projects (health/service.health_of)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.errors import NotFound
from pmo_api.db.database import Database
from pmo_api.health import service
from pmo_api.health.rules import Health, Thresholds


def health_by_project(
    db: Database, principal: Principal, thresholds: Thresholds
) -> DataLoader[uuid.UUID, Health]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Health | BaseException]:
        found = await service.health_of(db, ids, thresholds=thresholds, principal=principal)
        # Missing only when the project was deleted (or moved out of reach) since it was read.
        return [found.get(i) or NotFound(f"project {i} does not exist") for i in ids]

    return DataLoader(load_fn=load)
