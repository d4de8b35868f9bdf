"""Gate reviews: the review of a project's stage gate (a milestone with `is_gate`), its
criteria results, reviewers' votes and the decision taken (gates/service.py, gates/decide.py).

Criteria, reviewers and conditions are lists held as JSON on the review: they are written with
it, read with it, and never queried on their own. A review without a decision is open; at most
one open review per gate milestone (a partial unique index, and a 409 before it)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of
from pmo_api.db.types import PortableJSON
from pmo_api.templates.models import CriterionLevel as CriterionLevel  # one definition: a gate's


class GateDecision(StrEnum):
    """What a review decides, and what it does to the project (gates/decide.py)."""

    GO = "go"  # the gate milestone completes on the decision date
    HOLD = "hold"  # the project goes on hold
    RECYCLE = "recycle"  # the gate stays open: it is reviewed again
    KILL = "kill"  # the project is cancelled


class CriterionResult(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "n/a"


class ReviewerVote(StrEnum):
    GO = "go"
    HOLD = "hold"
    RECYCLE = "recycle"
    KILL = "kill"
    ABSTAIN = "abstain"


class GateReview(TrackedMixin, Base):
    __tablename__ = "gate_reviews"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    milestone_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("milestones.id", ondelete="CASCADE"), nullable=False
    )
    scheduled_on: Mapped[date | None] = mapped_column(sa.Date)
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    # [{key, text, level, result, evidence_url, comment}]
    criteria: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    # [{name, vote, comment}]
    reviewers: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    decision: Mapped[str | None] = mapped_column(sa.String(10))
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    rationale: Mapped[str | None] = mapped_column(sa.Text)
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    # [{title, owner, due_date}]: on a `go`, each became an action item
    conditions: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False)
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("gate_reviews.id", ondelete="SET NULL")
    )

    __table_args__ = (
        sa.CheckConstraint(
            f"decision IS NULL OR {one_of('decision', GateDecision)}", name="decision_known"
        ),
        sa.CheckConstraint(
            "(decision IS NULL) = (decided_on IS NULL)", name="decided_on_with_decision"
        ),
        # One open review per gate.
        sa.Index(
            "uq_gate_reviews_open_milestone",
            "milestone_id",
            unique=True,
            postgresql_where=sa.text("decision IS NULL"),
            sqlite_where=sa.text("decision IS NULL"),
        ),
        sa.Index(None, "project_id", "created_at"),
        sa.Index(None, "milestone_id", "created_at"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


gate_reviews = table_of(GateReview)
