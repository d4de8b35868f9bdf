"""Status reports: drafts, and published reports with their frozen snapshot."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of
from pmo_api.db.types import PortableJSON, UTCDateTime
from pmo_api.kpis.models import Rag


class ReportState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class StatusReport(TrackedMixin, Base):
    __tablename__ = "status_reports"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    overall: Mapped[str | None] = mapped_column(String(5))
    schedule: Mapped[str | None] = mapped_column(String(5))
    cost: Mapped[str | None] = mapped_column(String(5))
    scope: Mapped[str | None] = mapped_column(String(5))
    summary: Mapped[str | None] = mapped_column(Text)
    accomplishments: Mapped[str | None] = mapped_column(Text)
    issues: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(one_of("state", ReportState), name="state_known"),
        *(
            CheckConstraint(f"{name} IS NULL OR {one_of(name, Rag)}", name=f"{name}_rag")
            for name in ("overall", "schedule", "cost", "scope")
        ),
        Index(None, "project_id", "period_end"),
        Index(None, "updated_at", "id"),
        # Compliance (issue 15, migration 0018): the published reports of many projects read
        # from the index alone.
        Index(
            "ix_status_reports_published",
            "project_id",
            "period_end",
            "published_at",
            postgresql_where=text("state = 'published'"),
            sqlite_where=text("state = 'published'"),
        ),
    )


status_reports = table_of(StatusReport)
