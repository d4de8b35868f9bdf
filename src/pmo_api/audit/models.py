"""The audit events table: appended in the same transaction as the write it records."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.core.ids import new_id
from pmo_api.db.base import Base
from pmo_api.db.types import PortableJSON, UTCDateTime


class ObjectType(StrEnum):
    """What an event is about, named as the REST API names the resource."""

    portfolio = "portfolio"
    objective = "objective"
    project = "project"
    milestone = "milestone"
    budget_line = "budget_line"
    cost = "cost"
    progress = "progress"
    risk = "risk"
    kpi = "kpi"
    kpi_measurement = "kpi_measurement"
    status_report = "status_report"
    api_key = "api_key"
    resource_role = "resource_role"
    skill = "skill"
    resource = "resource"
    resource_skill = "resource_skill"
    resource_rate = "resource_rate"
    time_off = "time_off"
    holiday = "holiday"
    allocation = "allocation"
    time_entry = "time_entry"
    certification = "certification"
    action_item = "action_item"
    decision = "decision"
    change_request = "change_request"
    methodology_template = "methodology_template"
    methodology_template_version = "methodology_template_version"
    gate_review = "gate_review"
    quality_review = "quality_review"
    quality_finding = "quality_finding"
    program = "program"
    dependency = "dependency"
    issue = "issue"
    assumption = "assumption"


class Action(StrEnum):
    """What happened: the three writes, and the named ones some resources have."""

    create = "create"
    update = "update"
    delete = "delete"
    archive = "archive"  # a cancelled project deleted: kept for its cost history
    rebaseline = "rebaseline"  # budget lines replaced by a new baseline
    publish = "publish"  # a status report frozen
    revoke = "revoke"  # an API key
    decide = "decide"  # a gate review decided


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Who: the API key (its id, and its name at the time), "local" for the command line.
    actor_key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    actor_name: Mapped[str | None] = mapped_column(String(200))
    # A person signed in through OpenID Connect: the token's `sub` and email (migration 0008).
    actor_subject: Mapped[str | None] = mapped_column(String(255))
    actor_email: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(32), nullable=False)  # create, update, delete, …
    object_type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    # Changed fields only: {"field": value} before and after (a create has no before, a delete
    # no after), in the units the API shows (money as decimal amounts, not cents).
    before: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    # The id the server gave the request, and (apart) the X-Request-ID the client sent, if any.
    request_id: Mapped[str | None] = mapped_column(String(128))
    correlation_id: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (
        Index(None, "occurred_at", "id"),
        Index(None, "object_type", "object_id"),
        Index(None, "actor_key_id", "occurred_at"),
    )
