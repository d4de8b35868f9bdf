"""The first N projects of each portfolio, for `portfolio.projects`: one statement per batch
(per distinct N), whatever the number of portfolios."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.projects import repository

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
