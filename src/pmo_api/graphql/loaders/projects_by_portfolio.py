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

Key = tuple[uuid.UUID, int]  # (portfolio id, how many)


def projects_by_portfolio(db: Database, principal: Principal) -> DataLoader[Key, list[RowMapping]]:
    async def load(keys: Sequence[Key]) -> list[list[RowMapping]]:
        by_size: dict[int, set[uuid.UUID]] = defaultdict(set)
        for portfolio_id, first in keys:
            by_size[first].add(portfolio_id)
        found: dict[Key, list[RowMapping]] = defaultdict(list)
        async with db.read() as conn:
            for first, portfolio_ids in by_size.items():
                rows = await repository.page_by_portfolio(
                    conn, principal, sorted(portfolio_ids), first
                )
                for row in rows:
                    found[(row["portfolio_id"], first)].append(row)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def project_counts_by_portfolio(db: Database, principal: Principal) -> DataLoader[uuid.UUID, int]:
    """How many projects each portfolio shows (`portfolio.projects.totalCount`): the count the
    project list filtered by that portfolio gives, for any number of portfolios in one
    statement."""

    async def load(portfolio_ids: Sequence[uuid.UUID]) -> list[int]:
        wanted = service.ProjectFilter(portfolio_ids=sorted(set(portfolio_ids)))
        rows = service.matching_projects(principal, wanted, ListQuery(1, None, None, None, None))
        sub = rows.subquery()
        counted = select(sub.c.portfolio_id, func.count()).group_by(sub.c.portfolio_id)
        async with db.read() as conn:
            found = {pid: int(n) for pid, n in (await conn.execute(counted)).all()}
        return [found.get(pid, 0) for pid in portfolio_ids]

    return DataLoader(load_fn=load)
