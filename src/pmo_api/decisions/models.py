"""The decision log (issue 15): the decisions of a project or of a portfolio, with their
rationale and alternatives. Gate reviews and approved change requests write their entries
themselves (`source` gate_review, change_request); those are read-only to clients."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of
from pmo_api.db.types import PortableJSON


class DecisionSource(StrEnum):
    GATE_REVIEW = "gate_review"
    CHANGE_REQUEST = "change_request"
    MEETING = "meeting"
    OTHER = "other"


# Entries the system writes (a gate decision, an approved change request): never changed or
# deleted through the API.
SYSTEM_SOURCES = frozenset({DecisionSource.GATE_REVIEW.value, DecisionSource.CHANGE_REQUEST.value})


class Decision(TrackedMixin, Base):
    """Exactly one of `project_id` and `portfolio_id`: whose decision it is."""

    __tablename__ = "decisions"

    project_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE")
    )
    portfolio_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("portfolios.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    rationale: Mapped[str | None] = mapped_column(sa.Text)
    alternatives: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    decided_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="other")
    source_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    links: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)

    __table_args__ = (
        sa.CheckConstraint(one_of("source", DecisionSource), name="source_known"),
        sa.CheckConstraint("(project_id IS NULL) <> (portfolio_id IS NULL)", name="one_owner"),
        sa.Index(None, "project_id", "decided_on"),
        sa.Index(None, "portfolio_id", "decided_on"),
        sa.Index(None, "source", "source_id"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


decisions = table_of(Decision)
