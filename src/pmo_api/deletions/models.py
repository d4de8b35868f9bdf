"""The tombstones table: one row per row that left the API (deleted, archived) or left a
portfolio (a project moved to another). It is the one record of deletions: the deletions feed
reads it, and so will a later change feed."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.core.ids import new_id
from pmo_api.db.base import Base, one_of, table_of
from pmo_api.db.types import UTCDateTime


class TombstoneReason(StrEnum):
    """Why the row is gone from a pull: `deleted` (or archived: gone from the API alike), or
    `moved` (a project moved to another portfolio, so gone from the old one's scope)."""

    DELETED = "deleted"
    MOVED = "moved"


class Tombstone(Base):
    __tablename__ = "tombstones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # As the REST API names the resource (the audit trail's object types).
    object_type: Mapped[str] = mapped_column(String(40), nullable=False)
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    # Where the row was when it went: no foreign keys, the project or portfolio may be gone too.
    # Both null for a row no portfolio holds (a KPI definition).
    project_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    portfolio_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The programme its project was in (a programme's own tombstone: itself; migration 0022).
    # A project moved between programmes of one portfolio stays in the portfolio's scope, so
    # the move writes no tombstone (docs/resources.md, Deletions).
    program_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reason: Mapped[str] = mapped_column(String(10), nullable=False)

    __table_args__ = (
        CheckConstraint(one_of("reason", TombstoneReason), name="reason_known"),
        Index(None, "deleted_at", "id"),
        Index(None, "portfolio_id", "deleted_at"),
        Index(None, "program_id", "deleted_at"),
    )


tombstones = table_of(Tombstone)
