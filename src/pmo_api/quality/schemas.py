"""What crosses the API edge for quality reviews and their findings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.actions.schemas import ActionStatus
from pmo_api.core.fields import NOT_BLANK, LongText, Name, NoNul, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

ReviewKind = Literal["peer_review", "audit", "health_check"]
ReviewStatus = Literal["planned", "held", "closed"]
Severity = Literal["low", "medium", "high", "critical"]
Description = Annotated[
    str, StringConstraints(min_length=1, max_length=20_000, pattern=NOT_BLANK), NoNul
]


class ReviewCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    kind: ReviewKind
    title: Name
    reviewer: Person | None = None
    held_on: date | None = None
    summary: LongText | None = None
    status: ReviewStatus = "planned"


@patch_of(ReviewCreate)
class ReviewPatch(MergePatch):
    required_fields = frozenset({"kind", "title", "status"})


class ReviewOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    kind: ReviewKind
    title: str
    reviewer: str | None
    held_on: date | None
    summary: str | None
    status: ReviewStatus
    created_at: datetime
    updated_at: datetime
    version: int


class ReviewPage(Page[ReviewOut]):
    pass


class ReviewListParams(ListParams):
    sort: str | None = sorted_by("created_at", "held_on", "id", "title", "updated_at")
    kind: list[ReviewKind] = many()
    status: list[ReviewStatus] = many()
    reviewer: list[str] = many()


class ReviewFeedParams(ReviewListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()


class FindingCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    severity: Severity
    description: Description
    action_owner: Person | None = Field(
        default=None, description="Who carries out the corrective action."
    )
    action_due_date: date | None = Field(
        default=None, description="When the corrective action is due."
    )
    action_status: ActionStatus = Field(
        default="open", description="The corrective action's status."
    )


@patch_of(FindingCreate)
class FindingPatch(MergePatch):
    required_fields = frozenset({"severity", "description", "action_status"})


class FindingOut(BaseModel):
    id: uuid.UUID
    review_id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    severity: Severity
    description: str
    action_item_id: uuid.UUID | None = Field(
        description="The corrective action: an action item (source `finding`), made with the "
        "finding; null if it was deleted by hand."
    )
    action_owner: str | None
    action_due_date: date | None
    action_status: ActionStatus | None = Field(
        description="`open` and `in_progress` leave the finding open."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class FindingPage(Page[FindingOut]):
    pass


class FindingListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "updated_at")
    severity: list[Severity] = many()
    open: bool | None = Field(
        default=None,
        description="true: findings whose corrective action is still to do (`open`, "
        "`in_progress`) or missing; false: done or cancelled.",
    )


class FindingFeedParams(FindingListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
