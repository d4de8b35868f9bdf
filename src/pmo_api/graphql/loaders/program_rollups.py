"""Each programme's health and risk matrix, for `program.health`, `program.healthReport` and
`program.riskMatrix`: the functions GET /programs/{id}/health and /risk-matrix answer with
(programs/rollups.py), over every programme of a batch at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.health.rules import Thresholds
from pmo_api.programs import repository, rollups

Body = dict[str, Any]


def health_by_program(
    db: Database, principal: Principal, thresholds: Thresholds
) -> DataLoader[uuid.UUID, Body | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Body | None]:
        async with db.read() as conn:
            rows = await repository.get_many(conn, principal, list(ids))
            found = await rollups.programs_health(conn, principal, rows, thresholds)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def risk_matrix_by_program(
    db: Database, principal: Principal
) -> DataLoader[uuid.UUID, Body | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Body | None]:
        async with db.read() as conn:
            rows = await repository.get_many(conn, principal, list(ids))
            found = await rollups.program_risk_matrices(conn, principal, rows)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
