"""What crosses the API edge for status reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

Rag = Literal["green", "amber", "red"]
State = Literal["draft", "published"]


class ReportCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    period_end: date
    overall: Rag | None = None
    schedule: Rag | None = None
    cost: Rag | None = None
    scope: Rag | None = None
    summary: LongText | None = None
    accomplishments: LongText | None = None
    issues: LongText | None = None
    next_steps: LongText | None = None
    recommendations: LongText | None = None


@patch_of(ReportCreate)
class ReportPatch(MergePatch):
    required_fields = frozenset({"period_end"})


class ReportOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    period_end: date
    overall: Rag | None
    schedule: Rag | None
    cost: Rag | None
    scope: Rag | None
    summary: str | None
    accomplishments: str | None
    issues: str | None
    next_steps: str | None
    recommendations: str | None
    state: State
    snapshot: dict[str, Any] | None = Field(
        description="Frozen at publication: the project's earned value and KPI values as of "
        "period_end (null while a draft)."
    )
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class ReportPage(Page[ReportOut]):
    pass


class ReportListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "period_end", "updated_at")
    state: list[State] = many()


class ReportFeedParams(ReportListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
