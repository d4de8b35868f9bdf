"""Managing API keys: creating (the secret is returned once), listing, revoking."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.keys import api_keys, format_key, hash_secret, new_secret
from pmo_api.access.principal import Principal, Role
from pmo_api.access.schemas import ApiKeyCreate
from pmo_api.core.clock import utcnow
from pmo_api.core.crud import insert_row, update_row
from pmo_api.core.errors import Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, narrowed
from pmo_api.core.pagination import SortField, parse_sort
from pmo_api.portfolios import repository as portfolio_repo

_FIELDS = (
    "id",
    "name",
    "role",
    "portfolio_ids",
    "expires_at",
    "revoked_at",
    "last_used_at",
    "created_at",
    "updated_at",
    "version",
)
SORTS = {
    "id": SortField("id", api_keys.c.id, "uuid"),
    "name": SortField("name", api_keys.c.name, "str"),
    "created_at": SortField("created_at", api_keys.c.created_at, "datetime"),
}


def key_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in _FIELDS}


def _require_key_admin(principal: Principal) -> None:
    # A key limited to some portfolios could otherwise mint one that sees them all.
    principal.require_unlimited(
        Role.admin, "managing API keys needs an admin key that is not limited to portfolios"
    )


async def create_key(
    conn: AsyncConnection, *, principal: Principal, data: ApiKeyCreate
) -> tuple[RowMapping, str]:
    """The new key's row and the full key (`pmo_…`), which is never stored."""
    _require_key_admin(principal)
    if data.portfolio_ids:
        known = await portfolio_repo.get_many(conn, principal, data.portfolio_ids)
        missing = set(data.portfolio_ids) - {row["id"] for row in known}
        if missing:
            raise Invalid.field(
                ["body", "portfolio_ids"],
                f"no such portfolio: {', '.join(sorted(map(str, missing)))}",
                "not_found",
            )
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise Invalid.field(["body", "expires_at"], "expires_at is in the past", "value_error")
    key, row = await insert_key(
        conn,
        principal=principal,
        name=data.name,
        role=data.role,
        portfolio_ids=data.portfolio_ids,
        expires_at=data.expires_at,
    )
    return row, key


async def insert_key(
    conn: AsyncConnection,
    *,
    principal: Principal,
    name: str,
    role: Role,
    portfolio_ids: Sequence[uuid.UUID] | None = None,
    expires_at: Any = None,
) -> tuple[str, RowMapping]:
    secret = new_secret()
    values = {
        "name": name,
        "role": role.value,
        "portfolio_ids": None if portfolio_ids is None else [str(p) for p in portfolio_ids],
        "secret_hash": hash_secret(secret),
        "expires_at": expires_at,
        "created_by": _uuid_or_none(principal.key_id),
    }
    key_id = await insert_row(conn, api_keys, values, actor=principal)
    row = await _get(conn, key_id)
    assert row is not None
    return format_key(key_id, secret), row


async def _get(conn: AsyncConnection, key_id: uuid.UUID) -> RowMapping | None:
    row: RowMapping | None = (
        (await conn.execute(select(api_keys).where(api_keys.c.id == key_id)))
        .mappings()
        .one_or_none()
    )
    return row


async def get_key(
    conn: AsyncConnection, *, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    _require_key_admin(principal)
    return found(await _get(conn, object_id), f"API key {object_id}")


@dataclass(frozen=True)
class KeyFilter:
    q: str | None = None  # in the name
    updated_since: datetime | None = None


async def list_keys(
    conn: AsyncConnection, principal: Principal, filter: KeyFilter, *, sort: str | None = None
) -> Listing:
    """API keys (revoked ones too) that match `filter`, in `sort` order (default: creation)."""
    _require_key_admin(principal)
    stmt = select(api_keys)
    stmt = narrowed(
        stmt,
        api_keys,
        q=filter.q,
        search=[api_keys.c.name],
        updated_since=filter.updated_since,
    )
    return Listing(stmt, parse_sort(sort, SORTS, "created_at"))


async def revoke_key(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    """Revoked keys stay listed (with `revoked_at`), so the audit trail keeps its actors."""
    current = await get_key(conn, principal=principal, object_id=object_id)
    precondition.check(current["version"])
    if current["revoked_at"] is None:
        await update_row(
            conn, api_keys, current, {"revoked_at": utcnow()}, actor=principal, action="revoke"
        )


async def has_any_key(conn: AsyncConnection) -> bool:
    return bool((await conn.execute(select(func.count()).select_from(api_keys))).scalar())


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
