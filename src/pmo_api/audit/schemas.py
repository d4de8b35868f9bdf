"""What crosses the API edge for the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from pmo_api.audit.models import Action, ObjectType
from pmo_api.core.listing import ListParams, Page, many, sorted_by


class AuditListParams(ListParams):
    sort: str | None = sorted_by("id", "occurred_at")
    object_type: list[ObjectType] = many()
    object_id: list[uuid.UUID] = many()
    actor_key_id: list[str] = many()
    action: list[Action] = many()
    from_: datetime | None = Field(
        default=None, alias="from", description="Events at or after this timestamp."
    )
    to: datetime | None = Field(default=None, description="Events at or before this timestamp.")


class AuditEventOut(BaseModel):
    id: uuid.UUID
    occurred_at: datetime
    actor_key_id: str
    actor_name: str | None
    actor_subject: str | None = Field(
        description="The person's `sub` when an OpenID Connect access token made the change."
    )
    actor_email: str | None = Field(description="The person's email, when the token had one.")
    action: Action
    object_type: ObjectType
    object_id: uuid.UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None = Field(description="The id pmo-api gave the request.")
    correlation_id: str | None = Field(
        description="The `X-Request-ID` the client sent, if any (not chosen by the server)."
    )


class AuditEventPage(Page[AuditEventOut]):
    pass
