"""The first N risks of each project (in the order and with the cursors of REST's project risk
list), filtered as asked, for `project.risks`: one statement per batch (per distinct page size
and filter), whatever the number of projects."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.listing import ListQuery
from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page, first_of_each
from pmo_api.risks import repository

DEFAULT_SORT: Sort = repository.sort_of(ListQuery(1, None, None, None, None))


@dataclass(frozen=True)
class RiskFilterKey:
    """The filters of REST's project risk list (several values are an OR)."""

    status: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    min_score: int | None = None
    q: str | None = None
    updated_since: datetime | None = field(default=None)

    def query(self, first: int, after: str | None) -> ListQuery:
        return ListQuery(first, after, None, self.q, self.updated_since)

    def applied(self, stmt: Select[Any], query: ListQuery) -> Select[Any]:
        return repository.filtered(
            stmt,
            query,
            status=self.status,
            severity=self.severity,
            category=self.category,
            owner=self.owner,
            min_score=self.min_score,
        )


Key = tuple[uuid.UUID, int, RiskFilterKey]  # (project id, how many, filters)


def risks_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    async def load(keys: Sequence[Key]) -> list[Page]:
        groups: dict[tuple[int, RiskFilterKey], set[uuid.UUID]] = defaultdict(set)
        for project_id, first, filters in keys:
            groups[(first, filters)].add(project_id)
        found: dict[Key, Page] = {}
        async with db.read() as conn:
            for (first, filters), project_ids in groups.items():
                stmt = filters.applied(repository.presented(principal), filters.query(first, None))
                pages = await first_of_each(
                    conn, stmt, DEFAULT_SORT, repository.risks.c.project_id, project_ids, first
                )
                for project_id, page in pages.items():
                    found[(project_id, first, filters)] = page
        return [found.get(key, ([], False)) for key in keys]

    return DataLoader(load_fn=load)
