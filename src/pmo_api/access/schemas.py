"""What crosses the API edge for API keys."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pmo_api.access.principal import Role
from pmo_api.core.fields import Name
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, sorted_by


class ApiKeyCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    role: Role
    portfolio_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=500,
        description="Limit the key to these portfolios; omit for every portfolio.",
    )
    expires_at: AwareDatetime | None = None


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    role: Role
    portfolio_ids: list[uuid.UUID] | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class ApiKeyCreated(ApiKeyOut):
    key: str | None = Field(
        description="The key to send as `Authorization: Bearer <key>`. Shown once, in the "
        "response that created it; a replay of that request (Idempotency-Key) omits it."
    )


class ApiKeyPage(Page[ApiKeyOut]):
    pass


class ApiKeyListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "name")
