"""The assumption log (the A of RAID): what a project's plan takes for granted, until it is
validated (or found invalid, when it may raise a risk or an issue)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class AssumptionStatus(StrEnum):
    UNVALIDATED = "unvalidated"
    VALID = "valid"
    INVALID = "invalid"


class Confidence(StrEnum):
    """How sure the owner is that the assumption holds (a level, not a percent: docs)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Assumption(TrackedMixin, Base):
    __tablename__ = "assumptions"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    statement: Mapped[str] = mapped_column(sa.Text, nullable=False)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    confidence: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="medium")
    validate_by: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="unvalidated")
    # What the assumption raised once found invalid (POST /assumptions/{id}/raise).
    risk_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("risks.id", ondelete="SET NULL")
    )
    issue_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("raid_issues.id", ondelete="SET NULL")
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("status", AssumptionStatus), name="status_known"),
        sa.CheckConstraint(one_of("confidence", Confidence), name="confidence_known"),
        sa.Index(None, "project_id", "status"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


assumptions = table_of(Assumption)
