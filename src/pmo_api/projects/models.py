"""Tables of the projects domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of
from pmo_api.db.types import PortableJSON, UTCDateTime


class ProjectStatus(StrEnum):
    """CONTRACT §3's statuses, in lifecycle order (projects/lifecycle.py moves between them)."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EvMethod(StrEnum):
    MILESTONES = "milestones"
    PERCENT_COMPLETE = "percent_complete"


class Grouping(StrEnum):
    """The sets of projects a rollup is over, by the column of `projects` that names them: a
    portfolio's projects or a programme's (evm, health, risks and the summary take one)."""

    PORTFOLIO = "portfolio_id"
    PROGRAM = "program_id"


class Project(TrackedMixin, Base):
    __tablename__ = "projects"

    code: Mapped[str] = mapped_column(sa.String(20), nullable=False, unique=True)
    portfolio_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("portfolios.id", ondelete="RESTRICT"), nullable=False
    )
    # The programme of the portfolio the project belongs to, if any (migration 0019).
    program_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("programs.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    objectives: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    scope: Mapped[str | None] = mapped_column(sa.Text)
    deliverables: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    constraints: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    sponsor: Mapped[str | None] = mapped_column(sa.String(200))
    manager: Mapped[str | None] = mapped_column(sa.String(200))
    priority: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False, default=3)
    status: Mapped[str] = mapped_column(
        sa.String(16), nullable=False, default=ProjectStatus.PROPOSED
    )
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    finish_date: Mapped[date | None] = mapped_column(sa.Date)
    actual_start: Mapped[date | None] = mapped_column(sa.Date)
    actual_finish: Mapped[date | None] = mapped_column(sa.Date)
    # Budget at completion (BAC) in minor units (cents): exact on both dialects.
    budget: Mapped[int] = mapped_column(
        sa.BigInteger, nullable=False, default=0, info={"money": True}
    )
    ev_method: Mapped[str] = mapped_column(
        sa.String(20), nullable=False, default=EvMethod.MILESTONES
    )
    tags: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    # Set when a cancelled project that has cost history is deleted: it disappears from the API
    # (404, as if deleted) but its costs and audit trail stay in the database.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The methodology template (and its version) the project was made from, or had applied:
    # read-only, set by templates/planning.py (migration 0015).
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("methodology_templates.id", ondelete="RESTRICT")
    )
    template_version: Mapped[int | None] = mapped_column(sa.Integer)

    __table_args__ = (
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
        sa.CheckConstraint(one_of("status", ProjectStatus), name="status_known"),
        sa.CheckConstraint(one_of("ev_method", EvMethod), name="ev_method_known"),
        sa.CheckConstraint("budget >= 0", name="budget_non_negative"),
        sa.CheckConstraint(
            "finish_date IS NULL OR start_date IS NULL OR finish_date >= start_date",
            name="finish_after_start",
        ),
        sa.Index(None, "portfolio_id", "created_at", "id"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
        sa.Index(None, "status"),
        sa.Index(None, "program_id"),
    )


projects = table_of(Project)
