"""Keys made from the command line: the first admin key, and `pmo-api create-api-key`."""

from __future__ import annotations

import uuid
from datetime import datetime

from pmo_api.access import service
from pmo_api.access.principal import LOCAL_ADMIN, Role
from pmo_api.access.schemas import ApiKeyCreate
from pmo_api.db.database import Database
from pmo_api.settings import Settings


async def ensure_first_admin_key(settings: Settings) -> str | None:
    """On a database with no key at all, create one admin key and return it (else None)."""
    db = Database(settings)
    try:
        async with db.write() as conn:
            if await service.has_any_key(conn):
                return None
            key, _row = await service.insert_key(
                conn, principal=LOCAL_ADMIN, name="first admin key", role=Role.admin
            )
            return key
    finally:
        await db.dispose()


async def create_key(
    settings: Settings,
    *,
    name: str,
    role: Role,
    portfolio_ids: list[uuid.UUID] | None,
    expires_at: datetime | None,
) -> str:
    data = ApiKeyCreate(name=name, role=role, portfolio_ids=portfolio_ids, expires_at=expires_at)
    db = Database(settings)
    try:
        async with db.write() as conn:
            _row, key = await service.create_key(conn, principal=LOCAL_ADMIN, data=data)
            return key
    finally:
        await db.dispose()
