"""Tables of the programmes domain (issue 16)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of
from pmo_api.db.types import PortableJSON


class ProgramStatus(StrEnum):
    """A programme's own small lifecycle (it has no stage gates of its own: its projects do)."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class Program(TrackedMixin, Base):
    """A programme: related projects of one portfolio, managed together. Its projects name it
    (`projects.program_id`); its objectives are ids of its portfolio's strategic objectives."""

    __tablename__ = "programs"

    portfolio_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("portfolios.id", ondelete="RESTRICT"), nullable=False
    )
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    objectives: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    sponsor: Mapped[str | None] = mapped_column(sa.String(200))
    manager: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(
        sa.String(16), nullable=False, default=ProgramStatus.PROPOSED
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("status", ProgramStatus), name="status_known"),
        sa.UniqueConstraint("portfolio_id", "name"),
        sa.Index(None, "portfolio_id", "created_at", "id"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


programs = table_of(Program)
