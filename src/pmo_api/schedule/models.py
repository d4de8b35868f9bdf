"""Tables of the schedule: milestones (with stage gates) and progress records.

A milestone weight is integer thousandths and a percent complete integer hundredths of a
percent, so every earned-value input is an exact integer on both dialects."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, partial_index, table_of

_PROJECT_FK = "projects.id"


class MilestoneStatus(StrEnum):
    """CONTRACT §3's derived status: COMPLETED when completed_on is set, OVERDUE when not and
    due before today, else UPCOMING (schedule/repository.py computes it in SQL)."""

    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    COMPLETED = "completed"


class Milestone(TrackedMixin, Base):
    __tablename__ = "milestones"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    forecast_date: Mapped[date | None] = mapped_column(sa.Date)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    # Thousandths: `weight` 1.5 is stored as 1500.
    weight_milli: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=1000)
    is_gate: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # The template gate this milestone is (migration 0015): one milestone per gate and project.
    gate_key: Mapped[str | None] = mapped_column(sa.String(50))

    __table_args__ = (
        sa.CheckConstraint("weight_milli > 0", name="weight_positive"),
        sa.CheckConstraint("gate_key IS NULL OR is_gate", name="gate_key_is_gate"),
        sa.UniqueConstraint("project_id", "gate_key"),
        sa.Index(None, "project_id", "due_date"),
        sa.Index(None, "project_id", "completed_on"),
        sa.Index(None, "completed_on", "project_id", "weight_milli"),
        # Milestones coming due (the portfolio summary) without reading the completed ones.
        partial_index("ix_milestones_open_due_date", "due_date", "completed_on IS NULL"),
        sa.Index(None, "updated_at", "id"),
    )


class ProgressRecord(TrackedMixin, Base):
    __tablename__ = "progress_records"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    as_of: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # Hundredths of a percent: 12.5 % is stored as 1250.
    percent_hundredths: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(
            "percent_hundredths BETWEEN 0 AND 10000", name="percent_hundredths_range"
        ),
        sa.UniqueConstraint("project_id", "as_of"),
    )


milestones = table_of(Milestone)
progress_records = table_of(ProgressRecord)
