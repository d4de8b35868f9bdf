"""What crosses the API edge for the assumption log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

AssumptionStatus = Literal["unvalidated", "valid", "invalid"]
Confidence = Literal["low", "medium", "high"]
Statement = Annotated[LongText, Field(min_length=1)]


class AssumptionCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    statement: Statement
    owner: Person | None = None
    confidence: Confidence = "medium"
    validate_by: date | None = None
    status: AssumptionStatus = "unvalidated"


@patch_of(AssumptionCreate)
class AssumptionPatch(MergePatch):
    required_fields = frozenset({"statement", "confidence", "status"})


class AssumptionOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    statement: str
    owner: str | None
    confidence: Confidence
    validate_by: date | None
    status: AssumptionStatus
    risk_id: uuid.UUID | None = Field(description="The risk it raised once found invalid.")
    issue_id: uuid.UUID | None = Field(description="The issue it raised once found invalid.")
    created_at: datetime
    updated_at: datetime
    version: int


class AssumptionPage(Page[AssumptionOut]):
    pass


class AssumptionListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at", "validate_by")
    status: list[AssumptionStatus] = many()
    confidence: list[Confidence] = many()
    owner: list[str] = many()


class AssumptionFeedParams(AssumptionListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()


Level = Annotated[int, Field(ge=1, le=5)]


class RaiseBody(JsonBody):
    """What an invalid assumption raises: a risk (`probability` and `impact` 1-5, default 3)
    or an issue (`priority`, default medium); `title` defaults to the statement's start."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["risk", "issue"]
    title: Name | None = None
    probability: Level = 3
    impact: Level = 3
    priority: Literal["low", "medium", "high", "critical"] = "medium"
