"""The first N status reports of each project (in `period_end` order, with the cursors of REST's
list), for `project.statusReports`: one statement per batch (per distinct page size and state
filter), whatever the number of projects."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.pagination import Sort, parse_sort
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page, first_of_each
from pmo_api.reports import service
from pmo_api.reports.service import SORTS

DEFAULT_SORT: Sort = parse_sort(None, SORTS, "period_end")

Key = tuple[uuid.UUID, int, tuple[str, ...]]  # (project id, how many, states; none: any)


def reports_of(principal: Principal, states: Sequence[str]) -> Select[Any]:
    """The reports the caller may see, in the given states (any when none), as REST lists them."""
    stmt: Select[Any] = service.visible_reports(principal)
    if states:
        stmt = stmt.where(service.reports.c.state.in_(states))
    return stmt


def status_reports_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    async def load(keys: Sequence[Key]) -> list[Page]:
        groups: dict[tuple[int, tuple[str, ...]], set[uuid.UUID]] = defaultdict(set)
        for project_id, first, states in keys:
            groups[(first, states)].add(project_id)
        found: dict[Key, Page] = {}
        async with db.read() as conn:
            for (first, states), project_ids in groups.items():
                pages = await first_of_each(
                    conn,
                    reports_of(principal, states),
                    DEFAULT_SORT,
                    service.reports.c.project_id,
                    project_ids,
                    first,
                )
                for project_id, page in pages.items():
                    found[(project_id, first, states)] = page
        return [found.get(key, ([], False)) for key in keys]

    return DataLoader(load_fn=load)
