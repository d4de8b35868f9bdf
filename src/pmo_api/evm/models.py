"""The per-project aggregates that earned value and health read, rebuilt from the raw rows
by evm/aggregates.py in the transaction of every write that changes them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, table_of
from pmo_api.db.types import UTCDateTime

_PROJECT_FK = "projects.id"


class EvmInterval(StrEnum):
    """The periods of an earned-value series: month ends, or ISO weeks ending on Sunday."""

    MONTH = "month"
    WEEK = "week"


class CostVarianceGroup(StrEnum):
    """What cost variance is grouped by."""

    CATEGORY = "category"
    MONTH = "month"


class EvmMonth(Base):
    """Per project and month with any activity, the month's planned cost (current baseline),
    actual cost and milestone weight completed, and their running totals through the month.
    Rebuilt from the raw rows in the transaction of every write that changes them
    (evm/aggregates.py), so earned value as of any date reads one row per project instead
    of every cost entry: the row whose month is the latest on or before the date's
    (`month <= m < next_month`)."""

    __tablename__ = "evm_months"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_PROJECT_FK, ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    next_month: Mapped[date | None] = mapped_column(sa.Date)  # the project's next row; None: last
    planned: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    planned_cum: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    actual: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    actual_cum: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    earned_milli: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    earned_milli_cum: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)

    # The row "at or before month m" is found by `month <= m < next_month`.
    __table_args__ = (sa.Index(None, "next_month"),)


class ProjectFinance(Base):
    """Per project: the current baseline number and size, the total milestone weight, and what
    health's milestone and risk rules look at (CONTRACT §5), kept so that a portfolio of
    thousands reads them as one row per project: the earliest due date of the milestones and of
    the stage gates not yet completed (a milestone is overdue as of t when due before t), and
    the number of open critical and open high risks, and the earliest due date of the action
    items still to do (any is overdue as of t exactly when it is before t). Rebuilt with the
    other columns by evm/aggregates.py in the transaction of every milestone, risk or action
    item write."""

    __tablename__ = "project_finance"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_PROJECT_FK, ondelete="CASCADE"), primary_key=True
    )
    baseline: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    baseline_lines: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    weight_milli_total: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    # When the project's costs, baseline, milestones or progress last changed (every refresh):
    # computed KPI values follow it in incremental pulls (`updated_since`).
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_open_due: Mapped[date | None] = mapped_column(sa.Date)
    first_open_gate_due: Mapped[date | None] = mapped_column(sa.Date)
    open_critical_risks: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, server_default="0"
    )
    open_high_risks: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, server_default="0"
    )
    first_open_action_due: Mapped[date | None] = mapped_column(sa.Date)
    # Issue 16: the project's open milestones at risk from a dependency (dependencies/at_risk.py,
    # kept by every milestone and dependency write, including upstream ones in other projects),
    # and its open critical and high issues.
    dependency_risks: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, server_default="0"
    )
    open_critical_issues: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, server_default="0"
    )
    open_high_issues: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, server_default="0"
    )


evm_months = table_of(EvmMonth)
project_finance = table_of(ProjectFinance)
