"""What crosses the API edge for action items."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

ActionStatus = Literal["open", "in_progress", "done", "cancelled"]
ActionSource = Literal["gate_condition", "finding", "meeting", "change_request", "other"]


class ActionItemCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name
    description: LongText | None = None
    owner: Person | None = None
    due_date: date | None = None
    status: ActionStatus = "open"
    source: ActionSource = Field(
        default="other",
        description="Where it comes from; fixed once created. `gate_condition` and `finding` "
        "items are usually made by their gate review or quality review.",
    )
    source_id: uuid.UUID | None = Field(
        default=None,
        description="The id of the object it comes from (a gate review, a finding, a change "
        "request), if any; fixed once created.",
    )


@patch_of(ActionItemCreate, exclude=frozenset({"source", "source_id"}))
class ActionItemPatch(MergePatch):
    required_fields = frozenset({"title", "status"})


class ActionItemOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    title: str
    description: str | None
    owner: str | None
    due_date: date | None
    status: ActionStatus
    source: ActionSource
    source_id: uuid.UUID | None
    completed_on: date | None = Field(
        description="The day it became `done` (the server's date, UTC); null unless done."
    )
    overdue: bool = Field(
        description="Still to do (`open` or `in_progress`) and due before today (UTC): an item "
        "due today is not overdue."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class ActionItemPage(Page[ActionItemOut]):
    pass


class ActionItemListParams(ListParams):
    sort: str | None = sorted_by("created_at", "due_date", "id", "title", "updated_at")
    status: list[ActionStatus] = many()
    source: list[ActionSource] = many()
    owner: list[str] = many()
    overdue: bool | None = Field(
        default=None,
        description="true: only items still to do (`open`, `in_progress`) due before today "
        "(UTC); false: only the others.",
    )
    due_before: date | None = Field(default=None, description="Only items due before this day.")


class ActionItemFeedParams(ActionItemListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
