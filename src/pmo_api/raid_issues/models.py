"""The issue log (the I of RAID): problems a project has now, as risks are those it may have.
Named `raid_issues` so as not to be confused with an issue tracker."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class IssueStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class IssuePriority(StrEnum):
    """From least to most urgent."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# An issue still to be dealt with (a health input, the open_issues KPI).
OPEN_STATUSES = (IssueStatus.OPEN.value, IssueStatus.IN_PROGRESS.value)


class Issue(TrackedMixin, Base):
    __tablename__ = "raid_issues"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[str | None] = mapped_column(sa.String(100))
    priority: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="medium")
    impact: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    raised_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    target_resolution_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="open")
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    # The risk that occurred and became this issue (the risk records the link too: issue_id).
    risk_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("risks.id", ondelete="SET NULL")
    )
    # The change request the issue raised (migration 0021): a draft in the issue's project.
    change_request_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("change_requests.id", ondelete="SET NULL")
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("status", IssueStatus), name="status_known"),
        sa.CheckConstraint(one_of("priority", IssuePriority), name="priority_known"),
        sa.CheckConstraint(
            "target_resolution_on IS NULL OR target_resolution_on >= raised_on",
            name="target_after_raised",
        ),
        sa.Index(None, "project_id", "status", "priority"),
        sa.Index(None, "risk_id"),
        sa.Index(None, "change_request_id"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


raid_issues = table_of(Issue)
