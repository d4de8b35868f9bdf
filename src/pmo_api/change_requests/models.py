"""Change requests (issue 15): a controlled change to a project's scope, cost, schedule or
resources, with its impact, through `draft → submitted → approved | rejected | withdrawn`,
`approved → implemented` (and `draft → withdrawn`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of
from pmo_api.db.types import PortableJSON, UTCDateTime


class ChangeCategory(StrEnum):
    SCOPE = "scope"
    COST = "cost"
    SCHEDULE = "schedule"
    RESOURCE = "resource"


class ChangePriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ChangeState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    IMPLEMENTED = "implemented"


class ChangeRequest(TrackedMixin, Base):
    """`cost_delta` in the project's currency (minor units, may be negative); the decision's
    who and when (`decided_by`, `decided_at`) are set by an approval or a rejection; an
    approval that re-baselined names the new baseline number (`baseline`); `decision_id` is
    the decision-log entry the approval wrote."""

    __tablename__ = "change_requests"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    justification: Mapped[str | None] = mapped_column(sa.Text)
    priority: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="medium")
    requested_by: Mapped[str | None] = mapped_column(sa.String(200))
    cost_delta: Mapped[int] = mapped_column(
        sa.BigInteger, nullable=False, default=0, info={"money": True}
    )
    schedule_delta_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    affected_milestone_ids: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    state: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    implemented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    baseline: Mapped[int | None] = mapped_column(sa.Integer)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    __table_args__ = (
        sa.CheckConstraint(one_of("category", ChangeCategory), name="category_known"),
        sa.CheckConstraint(one_of("priority", ChangePriority), name="priority_known"),
        sa.CheckConstraint(one_of("state", ChangeState), name="state_known"),
        sa.Index(None, "project_id", "state"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


change_requests = table_of(ChangeRequest)
