"""The audit events table: appended in the same transaction as the write it records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.core.ids import new_id
from pmo_api.db.base import Base
from pmo_api.db.types import PortableJSON, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Who: the API key (its id, and its name at the time), "local" for the command line.
    actor_key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    actor_name: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32), nullable=False)  # create, update, delete, …
    object_type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    # Changed fields only: {"field": value} before and after (a create has no before, a delete
    # no after), in the units the API shows (money as decimal amounts, not cents).
    before: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    request_id: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (
        Index(None, "occurred_at", "id"),
        Index(None, "object_type", "object_id"),
        Index(None, "actor_key_id", "occurred_at"),
    )
