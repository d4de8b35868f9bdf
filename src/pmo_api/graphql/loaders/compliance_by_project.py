"""Projects' and portfolios' compliance as of a date, for `project.compliance(asOf)` and
`portfolio.compliance(asOf)`: compliance/service.py judges every project of a batch in one
statement per distinct date asked for."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.compliance import service
from pmo_api.core.errors import NotFound
from pmo_api.db.database import Database
from pmo_api.settings import Settings

Key = tuple[uuid.UUID, date]  # (project or portfolio id, as of)
Body = dict[str, Any]
Batch = Callable[
    [AsyncConnection, Principal, Sequence[uuid.UUID], date, Settings],
    Awaitable[dict[uuid.UUID, Body]],
]


def _loader(
    db: Database, principal: Principal, settings: Settings, batch: Batch, what: str
) -> DataLoader[Key, Body]:
    async def load(keys: Sequence[Key]) -> list[Body | BaseException]:
        by_date: dict[date, set[uuid.UUID]] = defaultdict(set)
        for object_id, as_of in keys:
            by_date[as_of].add(object_id)
        found: dict[Key, Body] = {}
        async with db.read() as conn:
            for as_of, ids in by_date.items():
                for object_id, body in (
                    await batch(conn, principal, sorted(ids), as_of, settings)
                ).items():
                    found[(object_id, as_of)] = body
        # Missing only when it was deleted (or archived) since it was read.
        return [found.get(k) or NotFound(f"{what} {k[0]} does not exist") for k in keys]

    return DataLoader(load_fn=load)


def compliance_by_project(
    db: Database, principal: Principal, settings: Settings
) -> DataLoader[Key, Body]:
    return _loader(db, principal, settings, service.projects_compliance, "project")


def compliance_by_portfolio(
    db: Database, principal: Principal, settings: Settings
) -> DataLoader[Key, Body]:
    return _loader(db, principal, settings, service.portfolios_compliance, "portfolio")


async def _programs(
    conn: AsyncConnection,
    principal: Principal,
    ids: Sequence[uuid.UUID],
    as_of: date,
    settings: Settings,
) -> dict[uuid.UUID, Body]:
    found = await service.programs_compliance(conn, principal, ids, as_of, settings)
    return {p: {"program_id": p, **body} for p, body in found.items()}


def compliance_by_program(
    db: Database, principal: Principal, settings: Settings
) -> DataLoader[Key, Body]:
    return _loader(db, principal, settings, _programs, "program")
