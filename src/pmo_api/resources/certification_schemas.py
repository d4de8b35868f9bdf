"""What crosses the API edge for the certifications and training records of resources."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict, Field

from pmo_api.core.fields import LongText, Name
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, sorted_by
from pmo_api.core.patch import MergePatch, patch_of
from pmo_api.resources.schemas import Tracked


class CertificationCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    issued_on: date
    expires_on: date | None = Field(default=None, description="Absent: it does not expire.")
    note: LongText | None = None


@patch_of(CertificationCreate)
class CertificationPatch(MergePatch):
    required_fields = frozenset({"name", "issued_on"})


class CertificationOut(Tracked):
    resource_id: uuid.UUID
    name: str
    issued_on: date
    expires_on: date | None
    note: str | None


class CertificationPage(Page[CertificationOut]):
    pass


class CertificationListParams(ListParams):
    sort: str | None = sorted_by(
        "created_at", "expires_on", "id", "issued_on", "name", "updated_at"
    )


class ExpiringParams(ListParams):
    sort: str | None = sorted_by("created_at", "expires_on", "id", "updated_at")
    within_days: int = Field(
        default=30, ge=0, le=3660, description="Expiring from today to today + within_days."
    )


class ExpiringOut(CertificationOut):
    resource_name: str


class ExpiringPage(Page[ExpiringOut]):
    pass
