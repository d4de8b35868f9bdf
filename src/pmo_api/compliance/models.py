"""The compliance rules and their results, the enums every transport derives from, and one
kept table: `compliance_stamps`, a token per project that changes in the transaction of every
write to what its compliance is computed from (compliance/stamps.py). Compliance itself is
computed from the data it judges when asked for, never stored."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, table_of
from pmo_api.db.types import UTCDateTime


class Rule(StrEnum):
    """The PMO's rules, in the order every answer lists them (docs/formulas.md)."""

    TEMPLATE_ITEMS_PRESENT = "template_items_present"
    GATES_REVIEWED_ON_TIME = "gates_reviewed_on_time"
    BASELINE_BEFORE_ACTIVE = "baseline_before_active"
    STATUS_REPORTS_EVERY_PERIOD = "status_reports_every_period"
    RISKS_REVIEWED_ON_TIME = "risks_reviewed_on_time"
    CORRECTIVE_ACTIONS_ON_TIME = "corrective_actions_on_time"


class Result(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class ComplianceStamp(Base):
    """Per project: a token replaced (a new random UUID, never reused) in the transaction of
    every write to the rows its compliance is judged from (the project, its milestones, gate
    reviews, status reports, risks, action items and baselines). A judgement kept with a token
    (compliance/cache.py) stands while the token is the same."""

    __tablename__ = "compliance_stamps"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[uuid.UUID] = mapped_column(sa.Uuid, nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


compliance_stamps = table_of(ComplianceStamp)
