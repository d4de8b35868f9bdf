"""The risk register."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, partial_index, table_of


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"
    OCCURRED = "occurred"


class RiskSeverity(StrEnum):
    """From the score (risks/rules.py)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class RiskResponse(StrEnum):
    AVOID = "avoid"
    MITIGATE = "mitigate"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    ESCALATE = "escalate"


class Risk(TrackedMixin, Base):
    """`score`, `severity` and `expected_value` are derived (risks/rules.py) and stored with
    every write, so that lists filter and sort on them in SQL."""

    __tablename__ = "risks"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[str | None] = mapped_column(sa.String(100))
    probability: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    impact: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    score: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    severity: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    cost_impact: Mapped[int | None] = mapped_column(sa.BigInteger, info={"money": True})
    expected_value: Mapped[int | None] = mapped_column(sa.BigInteger, info={"money": True})
    response: Mapped[str | None] = mapped_column(sa.String(10))
    mitigation_plan: Mapped[str | None] = mapped_column(sa.Text)
    contingency_plan: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="open")
    review_date: Mapped[date | None] = mapped_column(sa.Date)
    trigger: Mapped[str | None] = mapped_column(sa.Text)
    # The issue this risk became when it occurred (raid_issues.risk_id points back); not a
    # foreign key, so that the two tables do not refer to each other: deleting the issue clears it.
    issue_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    __table_args__ = (
        sa.CheckConstraint("probability BETWEEN 1 AND 5", name="probability_range"),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
        sa.CheckConstraint("score = probability * impact", name="score_product"),
        sa.CheckConstraint(one_of("severity", RiskSeverity), name="severity_known"),
        sa.CheckConstraint(one_of("status", RiskStatus), name="status_known"),
        sa.CheckConstraint(
            f"response IS NULL OR {one_of('response', RiskResponse)}", name="response_known"
        ),
        sa.CheckConstraint("cost_impact IS NULL OR cost_impact >= 0", name="cost_impact_positive"),
        sa.Index(None, "project_id", "status", "score"),
        # The highest open risks of a portfolio (its summary) without reading them all.
        partial_index("ix_risks_open_score", "score", "status IN ('open', 'mitigating')"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


risks = table_of(Risk)
