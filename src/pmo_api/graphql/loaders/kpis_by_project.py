"""Each project's KPIs as of a date (the rows of GET /projects/{project}/kpis), for
`project.kpis(asOf)`: kpis/service.kpis_of_projects gives every project of the batch the
caller may see in six statements (measured latest values in one, the built-in ones computed
for all at once), per distinct date asked for."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.errors import NotFound
from pmo_api.db.database import Database
from pmo_api.kpis import service
from pmo_api.settings import Settings

Key = tuple[uuid.UUID, date]  # (project id, as of)
Rows = list[dict[str, Any]]


def kpis_by_project(
    db: Database, principal: Principal, settings: Settings
) -> DataLoader[Key, Rows]:
    async def load(keys: Sequence[Key]) -> list[Rows | BaseException]:
        by_date: dict[date, set[uuid.UUID]] = defaultdict(set)
        for project_id, as_of in keys:
            by_date[as_of].add(project_id)
        found: dict[Key, Rows] = {}
        async with db.read() as conn:
            for as_of, project_ids in by_date.items():
                batch = await service.kpis_of_projects(
                    conn, principal, sorted(project_ids), as_of, settings
                )
                for project_id, rows in batch.items():
                    found[(project_id, as_of)] = rows
        # Missing only when the project was deleted (or archived) since it was read.
        out: list[Rows | BaseException] = []
        for key in keys:
            data = found.get(key)
            out.append(NotFound(f"project {key[0]} does not exist") if data is None else data)
        return out

    return DataLoader(load_fn=load)
