"""The first N risks of each project (in the order and with the cursors of REST's project risk
list), filtered as asked, for `project.risks`: one statement per batch (per distinct page size
and filter), whatever the number of projects."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page, first_of_each
from pmo_api.risks import service
from pmo_api.risks.models import risks

Key = tuple[uuid.UUID, int, service.RiskFilter]  # (project id, how many, filters)


def risks_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    async def load(keys: Sequence[Key]) -> list[Page]:
        groups: dict[tuple[int, service.RiskFilter], set[uuid.UUID]] = defaultdict(set)
        for project_id, first, wanted in keys:
            groups[(first, wanted)].add(project_id)
        found: dict[Key, Page] = {}
        async with db.read() as conn:
            for (first, wanted), project_ids in groups.items():
                listing = await service.list_risks(conn, principal, wanted)
                pages = await first_of_each(
                    conn, listing.stmt, listing.sort, risks.c.project_id, project_ids, first
                )
                for project_id, page in pages.items():
                    found[(project_id, first, wanted)] = page
        return [found.get(key, ([], False)) for key in keys]

    return DataLoader(load_fn=load)
