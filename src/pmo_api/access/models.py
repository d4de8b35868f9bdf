"""The API keys table: only a hash of each secret is stored."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin
from pmo_api.db.types import PortableJSON, UTCDateTime


class ApiKey(TrackedMixin, Base):
    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    # None: every portfolio; otherwise a JSON list of the portfolio ids the key may see.
    portfolio_ids: Mapped[list[Any] | None] = mapped_column(PortableJSON)
    # SHA-256 of the secret, hex. The secret is 256 random bits, so a fast hash is enough:
    # there is nothing to guess that a slow hash would protect.
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (CheckConstraint("role IN ('viewer','editor','admin')", name="role_known"),)
