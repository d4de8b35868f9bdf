"""Tables of money: the time-phased budget baseline and actual costs, in integer cents, so
sums in SQL never round."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, table_of

_PROJECT_FK = "projects.id"


class BudgetLine(TrackedMixin, Base):
    """One line of a project's time-phased baseline. A re-baseline writes a new `baseline`
    number and leaves the lines of the earlier ones as they were."""

    __tablename__ = "budget_lines"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    baseline: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    period: Mapped[date] = mapped_column(sa.Date, nullable=False)  # the first day of the month
    category: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    amount: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, info={"money": True})
    # The change request whose approval made this baseline (every line of it), if one did.
    change_request_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
        sa.UniqueConstraint("project_id", "baseline", "period", "category"),
        # When a project's first baseline was written (compliance, migration 0018).
        sa.Index(None, "project_id", "created_at"),
    )


class CostEntry(TrackedMixin, Base):
    __tablename__ = "cost_entries"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey(_PROJECT_FK, ondelete="CASCADE"), nullable=False
    )
    incurred_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    amount: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, info={"money": True})
    category: Mapped[str | None] = mapped_column(sa.String(100))
    description: Mapped[str | None] = mapped_column(sa.Text)
    external_ref: Mapped[str | None] = mapped_column(sa.String(200))

    __table_args__ = (
        # NULLs are distinct on both dialects: only entries that name a reference are unique.
        sa.UniqueConstraint("project_id", "external_ref"),
        sa.Index(None, "project_id", "incurred_on"),
        # Covers "what was spent in this date range, by project": the as-of arithmetic of
        # evm/inputs.py reads the index alone.
        sa.Index(None, "incurred_on", "project_id", "amount"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


budget_lines = table_of(BudgetLine)
cost_entries = table_of(CostEntry)
