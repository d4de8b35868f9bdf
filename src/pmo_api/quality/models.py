"""Quality reviews (peer reviews, audits, health checks) of a project, and their findings.

A finding's corrective action is not stored here: it is an action item of the shared actions
domain (source `finding`, source id the finding's id), written in the finding's transaction
(quality/corrective.py)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class ReviewKind(StrEnum):
    PEER_REVIEW = "peer_review"
    AUDIT = "audit"
    HEALTH_CHECK = "health_check"


class ReviewStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CLOSED = "closed"


class FindingSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class QualityReview(TrackedMixin, Base):
    __tablename__ = "quality_reviews"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    reviewer: Mapped[str | None] = mapped_column(sa.String(200))
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="planned")

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ReviewKind), name="kind_known"),
        sa.CheckConstraint(one_of("status", ReviewStatus), name="status_known"),
        sa.Index(None, "project_id", "created_at"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


class QualityFinding(TrackedMixin, Base):
    """`project_id` is its review's (a finding never moves between reviews): the scope rule
    reads rows a project owns by their own `project_id`."""

    __tablename__ = "quality_findings"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    review_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("quality_reviews.id", ondelete="CASCADE"), nullable=False
    )
    severity: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)

    __table_args__ = (
        sa.CheckConstraint(one_of("severity", FindingSeverity), name="severity_known"),
        sa.Index(None, "review_id", "created_at"),
        sa.Index(None, "project_id", "severity"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


quality_reviews = table_of(QualityReview)
quality_findings = table_of(QualityFinding)
