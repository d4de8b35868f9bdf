"""Expired idempotency records are purged as keys are used (core/idempotency.PURGE_BATCH per
keyed write, oldest first), so the table cannot grow without bound; live records and their
replays are untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, insert, select

from pmo_api.core.idempotency import PURGE_BATCH
from pmo_api.core.idempotency_models import IdempotencyRecord
from pmo_api.db.base import table_of

records = table_of(IdempotencyRecord)


async def _count(app: FastAPI, *, expired: bool) -> int:
    cutoff = datetime.now(UTC) - timedelta(hours=24)
    stmt = select(func.count()).select_from(records)
    stmt = stmt.where(records.c.created_at < cutoff if expired else records.c.created_at >= cutoff)
    async with app.state.db.read() as conn:
        return int((await conn.execute(stmt)).scalar_one())


async def test_each_keyed_write_purges_a_batch_of_expired_records(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    async with app.state.db.write() as conn:
        await conn.execute(
            insert(records),
            [
                {
                    "owner": "someone",
                    "key": f"old-{i}",
                    "fingerprint": "f",
                    "status_code": 201,
                    "body": b"{}",
                    "created_at": old + timedelta(seconds=i),
                }
                for i in range(PURGE_BATCH + 20)
            ],
        )
    first = await client.post(
        "/api/v1/portfolios", json={"name": "P1"}, headers={"Idempotency-Key": "k-1"}
    )
    assert first.status_code == 201
    assert await _count(app, expired=True) == 20  # one batch gone, the oldest first
    second = await client.post(
        "/api/v1/portfolios", json={"name": "P2"}, headers={"Idempotency-Key": "k-2"}
    )
    assert second.status_code == 201
    assert await _count(app, expired=True) == 0
    # The live records stay and still replay.
    assert await _count(app, expired=False) == 2
    again = await client.post(
        "/api/v1/portfolios", json={"name": "P1"}, headers={"Idempotency-Key": "k-1"}
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
