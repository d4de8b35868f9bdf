"""API keys: `pmo_<key id>_<secret>`. The secret is shown once; only its SHA-256 is stored.

Authentication reads keys through a small in-process cache, so a request costs no database
round trip for a key seen in the last `auth_cache_seconds`. That is also the bound on how long
another instance may still accept a key after it is revoked (the instance that revoked it forgets
it at once).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from pmo_api.access.models import ApiKey
from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import utcnow
from pmo_api.core.errors import NotAuthenticated
from pmo_api.db.base import table_of
from pmo_api.db.database import Database

PREFIX = "pmo"
api_keys = table_of(ApiKey)

# Recording every use would turn each read into a write; once a minute per key is enough to
# tell which keys are alive.
_LAST_USE_EVERY_SECONDS = 60.0
_CACHE_SIZE = 10_000


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_key(key_id: uuid.UUID, secret: str) -> str:
    return f"{PREFIX}_{key_id.hex}_{secret}"


def parse_key(token: str) -> tuple[uuid.UUID, str] | None:
    prefix, _, rest = token.partition("_")
    key_hex, _, secret = rest.partition("_")
    if prefix != PREFIX or len(key_hex) != 32 or not secret:
        return None
    try:
        return uuid.UUID(hex=key_hex), secret
    except ValueError:
        return None


@dataclass(frozen=True)
class _Entry:
    fetched_at: float
    secret_hash: str | None  # None: no such key
    principal: Principal | None
    expires_at: datetime | None
    revoked: bool


def principal_of(row: Any) -> Principal:
    """The caller an api_keys row stands for."""
    ids = row.portfolio_ids
    return Principal(
        key_id=str(row.id),
        role=Role(row.role),
        name=row.name,
        portfolio_ids=None if ids is None else frozenset(uuid.UUID(str(i)) for i in ids),
    )


class KeyStore:
    def __init__(self, db: Database, *, cache_seconds: float) -> None:
        self.db = db
        self.cache_seconds = cache_seconds
        self._cache: OrderedDict[uuid.UUID, _Entry] = OrderedDict()
        self._last_use: dict[uuid.UUID, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def forget(self, key_id: uuid.UUID) -> None:
        """Drop a key from this instance's cache at once (after revoking it)."""
        self._cache.pop(key_id, None)

    async def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise NotAuthenticated("send `Authorization: Bearer <api key>`")
        scheme, _, token = authorization.partition(" ")
        parsed = parse_key(token.strip()) if scheme.lower() == "bearer" else None
        if parsed is None:
            raise NotAuthenticated("the Authorization header does not hold a pmo-api key")
        key_id, secret = parsed
        entry = await self._entry(key_id)
        if entry.secret_hash is None or not hmac.compare_digest(
            entry.secret_hash, hash_secret(secret)
        ):
            raise NotAuthenticated("this API key is not valid")
        if entry.revoked:
            raise NotAuthenticated("this API key has been revoked")
        if entry.expires_at is not None and entry.expires_at <= utcnow():
            raise NotAuthenticated("this API key has expired")
        assert entry.principal is not None
        self._note_use(key_id)
        return entry.principal

    async def _entry(self, key_id: uuid.UUID) -> _Entry:
        now = time.monotonic()
        entry = self._cache.get(key_id)
        if entry is not None and now - entry.fetched_at < self.cache_seconds:
            self._cache.move_to_end(key_id)
            return entry
        async with self.db.read() as conn:
            row = (await conn.execute(select(api_keys).where(api_keys.c.id == key_id))).first()
        if row is None:
            entry = _Entry(now, None, None, None, False)
        else:
            entry = _Entry(
                now, row.secret_hash, principal_of(row), row.expires_at, row.revoked_at is not None
            )
        self._cache[key_id] = entry
        self._cache.move_to_end(key_id)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return entry

    def _note_use(self, key_id: uuid.UUID) -> None:
        now = time.monotonic()
        if now - self._last_use.get(key_id, -_LAST_USE_EVERY_SECONDS) < _LAST_USE_EVERY_SECONDS:
            return
        self._last_use[key_id] = now
        task = asyncio.get_running_loop().create_task(self._record_use(key_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _record_use(self, key_id: uuid.UUID) -> None:
        try:
            async with self.db.write() as conn:
                await conn.execute(
                    update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=utcnow())
                )
        except Exception:
            self._last_use.pop(key_id, None)

    async def drain(self) -> None:
        """Wait for pending last-use writes (at shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
