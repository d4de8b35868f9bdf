"""Action items (issue 15): one shared object for the follow-ups of gate conditions, quality
findings, meetings and change requests, each under a project."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ActionSource(StrEnum):
    """Where an action item comes from; `source_id` names that object (a gate review, a
    finding, a change request), when there is one."""

    GATE_CONDITION = "gate_condition"
    FINDING = "finding"
    MEETING = "meeting"
    CHANGE_REQUEST = "change_request"
    OTHER = "other"


# The statuses in which an action item is still to do (and may be overdue).
OPEN_STATUSES = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)


class ActionItem(TrackedMixin, Base):
    """`completed_on` is set (the app's today) when the item becomes `done`, cleared when it
    leaves `done`."""

    __tablename__ = "action_items"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="open")
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="other")
    source_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)

    __table_args__ = (
        sa.CheckConstraint(one_of("status", ActionStatus), name="status_known"),
        sa.CheckConstraint(one_of("source", ActionSource), name="source_known"),
        sa.CheckConstraint(
            "(status = 'done') = (completed_on IS NOT NULL)", name="completed_when_done"
        ),
        sa.Index(None, "project_id", "status", "due_date"),
        sa.Index(None, "source", "source_id"),
        sa.Index(None, "due_date", "id"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


action_items = table_of(ActionItem)
