"""The table behind `Idempotency-Key`: records live in the database, so every instance behind a
load balancer replays the same first response."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base
from pmo_api.db.types import UTCDateTime


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    # Keys are per API key: `owner` is the caller's key id (or "local" before access control).
    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int] = mapped_column(Integer, nullable=False)
    location: Mapped[str | None] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
