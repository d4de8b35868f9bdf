"""Each portfolio's open risks counted by probability and impact, and their total expected value
in cents, for `portfolio.riskMatrix`: one statement per batch (risks/repository.matrices)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.risks import repository

Matrix = tuple[dict[tuple[int, int], int], int]  # counts by (probability, impact), total EV


def risk_matrix_by_portfolio(db: Database, principal: Principal) -> DataLoader[uuid.UUID, Matrix]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Matrix]:
        async with db.read() as conn:
            found = await repository.matrices(conn, principal, list(ids))
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)
