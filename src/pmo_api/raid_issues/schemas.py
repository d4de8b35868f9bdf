"""What crosses the API edge for the issue log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.change_requests.schemas import ChangePriority, ChangeRequestCreate
from pmo_api.core.fields import Category, LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

IssueStatus = Literal["open", "in_progress", "resolved", "closed"]
IssuePriority = Literal["low", "medium", "high", "critical"]


class IssueCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name
    description: LongText | None = None
    category: Category | None = None
    priority: IssuePriority = "medium"
    impact: LongText | None = Field(default=None, description="What the issue does to the project.")
    owner: Person | None = None
    raised_on: date | None = Field(default=None, description="Today when not given.")
    target_resolution_on: date | None = None
    status: IssueStatus = "open"
    resolution: LongText | None = None
    risk_id: uuid.UUID | None = Field(
        default=None,
        description="The risk of the same project that occurred and became this issue (its "
        "status must be `occurred`); the risk records the link (`issue_id`). Set on create only.",
    )


class IssueEdit(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name
    description: LongText | None = None
    category: Category | None = None
    priority: IssuePriority = "medium"
    impact: LongText | None = None
    owner: Person | None = None
    raised_on: date
    target_resolution_on: date | None = None
    status: IssueStatus = "open"
    resolution: LongText | None = None


@patch_of(IssueEdit)
class IssuePatch(MergePatch):
    required_fields = frozenset({"title", "priority", "raised_on", "status"})


class IssueOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    title: str
    description: str | None
    category: str | None
    priority: IssuePriority
    impact: str | None
    owner: str | None
    raised_on: date
    target_resolution_on: date | None
    status: IssueStatus
    resolution: str | None
    risk_id: uuid.UUID | None
    change_request_id: uuid.UUID | None = Field(
        description="The change request the issue raised (POST /api/v1/issues/{id}/change-request)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class RaiseChangeBody(ChangeRequestCreate):
    """The change request an issue raises: a change request's create body, where the title
    defaults to the issue's, the justification to the issue's description, the priority to
    the issue's and the requester to its owner."""

    title: Name | None = None  # type: ignore[assignment]
    priority: ChangePriority | None = None  # type: ignore[assignment]


class IssuePage(Page[IssueOut]):
    pass


class IssueListParams(ListParams):
    sort: str | None = sorted_by(
        "created_at", "id", "raised_on", "target_resolution_on", "title", "updated_at"
    )
    status: list[IssueStatus] = many()
    priority: list[IssuePriority] = many()
    category: list[str] = many()
    owner: list[str] = many()


class IssueFeedParams(IssueListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
