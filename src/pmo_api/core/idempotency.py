"""`Idempotency-Key` on POST, with Stripe's semantics.

The record is written in the same transaction as the create it guards, so either both exist or
neither does. Two requests racing with one key meet on the record's primary key: on PostgreSQL
the second INSERT waits for the first transaction and then fails, on SQLite the write lock
serialises them; either way the loser reads the winner's record and replays its response.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.core.clock import utcnow
from pmo_api.core.errors import Invalid, MalformedRequest
from pmo_api.core.idempotency_models import IdempotencyRecord
from pmo_api.db.base import table_of
from pmo_api.db.database import Database

HEADER = "idempotency-key"
# As the OpenAPI document declares it (core/openapi_headers.py): `^[!-~]+$`, 1 to 255.
_KEY = re.compile(r"[!-~]{1,255}")
_table = table_of(IdempotencyRecord)

# Each keyed write also deletes up to this many expired records (oldest first, through the index
# on created_at): the table cannot grow without bound, since every write that adds one record
# removes up to fifty that have lapsed, and no sweeper process is needed.
PURGE_BATCH = 50


class _KeyTakenConcurrently(Exception):
    """Another transaction stored this key first; ours must roll back and replay theirs."""


def _fingerprint(request: Request, body: bytes) -> str:
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        canonical = body
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.url.path.encode() + b"\n")
    digest.update(canonical)
    return digest.hexdigest()


async def _purge_expired(conn: AsyncConnection, before: datetime) -> None:
    lapsed = (
        select(_table.c.owner, _table.c.key)
        .where(_table.c.created_at < before)
        .order_by(_table.c.created_at)
        .limit(PURGE_BATCH)
    )
    await conn.execute(delete(_table).where(tuple_(_table.c.owner, _table.c.key).in_(lapsed)))


def _replay(record: Any) -> Response:
    """The stored first response, as it was sent (a Row of the records table)."""
    headers = {"Idempotent-Replayed": "true"}
    if record.location:
        headers["Location"] = record.location
    if record.etag:
        headers["ETag"] = record.etag
    return Response(
        content=record.body,
        status_code=record.status_code,
        headers=headers,
        media_type="application/json",
    )


async def run_idempotent(
    db: Database,
    request: Request,
    *,
    owner: str,
    ttl_hours: int,
    action: Callable[[AsyncConnection], Awaitable[Response]],
    stored_body: Callable[[bytes], bytes] | None = None,
) -> Response:
    """Run `action` in one write transaction, guarded by the request's Idempotency-Key if any.
    `stored_body` changes what a replay will send (to leave out a secret shown only once)."""
    key = request.headers.get(HEADER)
    if key is None:
        async with db.write() as conn:
            return await action(conn)
    if not _KEY.fullmatch(key):
        raise MalformedRequest(
            "Idempotency-Key must be 1 to 255 visible ASCII characters (no space)"
        )
    fingerprint = _fingerprint(request, await request.body())
    for _attempt in range(3):
        try:
            async with db.write() as conn:
                return await _guarded(conn, owner, key, fingerprint, ttl_hours, action, stored_body)
        except _KeyTakenConcurrently:
            continue
    raise MalformedRequest("Idempotency-Key is being used by requests that keep failing; retry")


async def _guarded(
    conn: AsyncConnection,
    owner: str,
    key: str,
    fingerprint: str,
    ttl_hours: int,
    action: Callable[[AsyncConnection], Awaitable[Response]],
    stored_body: Callable[[bytes], bytes] | None,
) -> Response:
    now = utcnow()
    where = (_table.c.owner == owner) & (_table.c.key == key)
    stored = (await conn.execute(select(_table).where(where))).one_or_none()
    if stored is not None:
        if stored.created_at > now - timedelta(hours=ttl_hours):
            if stored.fingerprint != fingerprint:
                raise Invalid.field(
                    ["header", "Idempotency-Key"],
                    "this Idempotency-Key was used with a different request; use a new key",
                    "idempotency_key_reused",
                )
            return _replay(stored)
        await conn.execute(delete(_table).where(where))  # expired: the key is free again
    await _purge_expired(conn, now - timedelta(hours=ttl_hours))
    try:
        await conn.execute(
            insert(_table).values(
                owner=owner,
                key=key,
                fingerprint=fingerprint,
                status_code=0,
                body=b"",
                created_at=now,
            )
        )
    except IntegrityError:
        raise _KeyTakenConcurrently from None
    response = await action(conn)
    await conn.execute(
        update(_table)
        .where(where)
        .values(
            status_code=response.status_code,
            body=stored_body(bytes(response.body)) if stored_body else bytes(response.body),
            location=response.headers.get("location"),
            etag=response.headers.get("etag"),
        )
    )
    return response
