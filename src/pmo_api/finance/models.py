"""Tables of schedule and money: milestones, the budget baseline, actual costs, progress, and
the per-project aggregates that earned value is read from.

Money is integer cents; a milestone weight is integer thousandths and a percent complete is
integer hundredths of a percent, so every earned-value input is an exact integer on both
dialects and sums in SQL never round.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin
from pmo_api.db.types import UTCDateTime

_PROJECT_FK = "projects.id"


class Milestone(TrackedMixin, Base):
    __tablename__ = "milestones"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    forecast_date: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # Thousandths: `weight` 1.5 is stored as 1500.
    weight_milli: Mapped[int] = mapped_column(BigInteger, nullable=False, default=1000)
    is_gate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        CheckConstraint("weight_milli > 0", name="weight_positive"),
        Index(None, "project_id", "due_date"),
        Index(None, "project_id", "completed_on"),
        Index(None, "completed_on", "project_id", "weight_milli"),
        # Milestones coming due (the portfolio summary) without reading the completed ones.
        Index(
            "ix_milestones_open_due_date",
            "due_date",
            postgresql_where=text("completed_on IS NULL"),
            sqlite_where=text("completed_on IS NULL"),
        ),
        Index(None, "updated_at", "id"),
    )


class BudgetLine(TrackedMixin, Base):
    """One line of a project's time-phased baseline. A re-baseline writes a new `baseline`
    number and leaves the lines of the earlier ones as they were."""

    __tablename__ = "budget_lines"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    baseline: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[date] = mapped_column(Date, nullable=False)  # the first day of the month
    category: Mapped[str] = mapped_column(String(100), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False, info={"money": True})

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        UniqueConstraint("project_id", "baseline", "period", "category"),
    )


class CostEntry(TrackedMixin, Base):
    __tablename__ = "cost_entries"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    incurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False, info={"money": True})
    category: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        # NULLs are distinct on both dialects: only entries that name a reference are unique.
        UniqueConstraint("project_id", "external_ref"),
        Index(None, "project_id", "incurred_on"),
        # Covers "what was spent in this date range, by project": the as-of arithmetic of
        # finance/engine.py reads the index alone.
        Index(None, "incurred_on", "project_id", "amount"),
        Index(None, "created_at", "id"),
        Index(None, "updated_at", "id"),
    )


class ProgressRecord(TrackedMixin, Base):
    __tablename__ = "progress_records"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    # Hundredths of a percent: 12.5 % is stored as 1250.
    percent_hundredths: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("percent_hundredths BETWEEN 0 AND 10000", name="percent_hundredths_range"),
        UniqueConstraint("project_id", "as_of"),
    )


class EvmMonth(Base):
    """Per project and month with any activity, the month's planned cost (current baseline),
    actual cost and milestone weight completed, and their running totals through the month.
    Rebuilt from the raw rows in the transaction of every write that changes them
    (finance/aggregates.py), so earned value as of any date reads one row per project instead
    of every cost entry: the row whose month is the latest on or before the date's
    (`month <= m < next_month`)."""

    __tablename__ = "evm_months"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    next_month: Mapped[date | None] = mapped_column(Date)  # the project's next row; None: last
    planned: Mapped[int] = mapped_column(BigInteger, nullable=False)
    planned_cum: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actual: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actual_cum: Mapped[int] = mapped_column(BigInteger, nullable=False)
    earned_milli: Mapped[int] = mapped_column(BigInteger, nullable=False)
    earned_milli_cum: Mapped[int] = mapped_column(BigInteger, nullable=False)

    # The row "at or before month m" is found by `month <= m < next_month`.
    __table_args__ = (Index(None, "next_month"),)


class ProjectFinance(Base):
    """Per project: the current baseline number and size, the total milestone weight, and what
    health's milestone and risk rules look at (CONTRACT §5), kept so that a portfolio of
    thousands reads them as one row per project: the earliest due date of the milestones and of
    the stage gates not yet completed (a milestone is overdue as of t when due before t), and
    the number of open critical and open high risks. Rebuilt with the other columns by
    finance/aggregates.py in the transaction of every milestone or risk write."""

    __tablename__ = "project_finance"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), primary_key=True
    )
    baseline: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    baseline_lines: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    weight_milli_total: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # When the project's costs, baseline, milestones or progress last changed (every refresh):
    # computed KPI values follow it in incremental pulls (`updated_since`).
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_open_due: Mapped[date | None] = mapped_column(Date)
    first_open_gate_due: Mapped[date | None] = mapped_column(Date)
    open_critical_risks: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    open_high_risks: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
