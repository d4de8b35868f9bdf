"""The first N projects of each portfolio, for `portfolio.projects`: one statement per batch
(per distinct N), whatever the number of portfolios; and their counts, likewise."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.listing import ListQuery
from pmo_api.db.database import Database
from pmo_api.projects import repository, service
from pmo_api.projects.models import Grouping

Key = tuple[uuid.UUID, int]  # (portfolio id, how many)


def projects_by_portfolio(
    db: Database, principal: Principal, group: Grouping = Grouping.PORTFOLIO
) -> DataLoader[Key, list[RowMapping]]:
    """(The same of each programme, `program.projects`, with `group`.)"""

    async def load(keys: Sequence[Key]) -> list[list[RowMapping]]:
        by_size: dict[int, set[uuid.UUID]] = defaultdict(set)
        for portfolio_id, first in keys:
            by_size[first].add(portfolio_id)
        found: dict[Key, list[RowMapping]] = defaultdict(list)
        async with db.read() as conn:
            for first, portfolio_ids in by_size.items():
                rows = await repository.page_by_portfolio(
                    conn, principal, sorted(portfolio_ids), first, group=group
                )
                for row in rows:
                    found[(row[group.value], first)].append(row)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def project_counts_by_portfolio(
    db: Database, principal: Principal, group: Grouping = Grouping.PORTFOLIO
) -> DataLoader[uuid.UUID, int]:
    """How many projects each portfolio (or programme: `group`) shows
    (`portfolio.projects.totalCount`): the count the project list filtered by it gives, for
    any number of them in one statement."""

    async def load(portfolio_ids: Sequence[uuid.UUID]) -> list[int]:
        ids = sorted(set(portfolio_ids))
        if group is Grouping.PROGRAM:
            wanted = service.ProjectFilter(program_ids=ids)
        else:
            wanted = service.ProjectFilter(portfolio_ids=ids)
        rows = service.matching_projects(principal, wanted, ListQuery(1, None, None, None, None))
        sub = rows.subquery()
        owner = sub.c[group.value]
        counted = select(owner, func.count()).group_by(owner)
        async with db.read() as conn:
            found = {pid: int(n) for pid, n in (await conn.execute(counted)).all()}
        return [found.get(pid, 0) for pid in portfolio_ids]

    return DataLoader(load_fn=load)
