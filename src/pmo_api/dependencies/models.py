"""Dependencies between milestones, within and across projects (issue 16).

A dependency says that its successor milestone cannot happen before its predecessor allows
(docs/formulas.md, "Dependencies"): `type` says which dates are compared, `lag_days` shifts
the earliest allowed date (negative: a lead), `hard` marks a dependency that cannot be worked
around (a soft one is a preference; both flag risk alike, and lists filter on it)."""

from __future__ import annotations

import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of

_MILESTONE_FK = "milestones.id"
# A lag or lead of at most ten years: beyond that a date leaves the calendar.
MAX_LAG_DAYS = 3650


class DependencyType(StrEnum):
    FINISH_TO_START = "finish_to_start"
    START_TO_START = "start_to_start"
    FINISH_TO_FINISH = "finish_to_finish"


class Dependency(TrackedMixin, Base):
    __tablename__ = "dependencies"

    predecessor_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_MILESTONE_FK, ondelete="CASCADE"), nullable=False
    )
    successor_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_MILESTONE_FK, ondelete="CASCADE"), nullable=False
    )
    type: Mapped[str] = mapped_column(
        sa.String(20), nullable=False, default=DependencyType.FINISH_TO_START.value
    )
    lag_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    hard: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(one_of("type", DependencyType), name="type_known"),
        sa.CheckConstraint("predecessor_id <> successor_id", name="not_itself"),
        sa.CheckConstraint(
            f"lag_days BETWEEN -{MAX_LAG_DAYS} AND {MAX_LAG_DAYS}", name="lag_days_range"
        ),
        sa.UniqueConstraint("predecessor_id", "successor_id"),
        sa.Index(None, "successor_id"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


dependencies = table_of(Dependency)
