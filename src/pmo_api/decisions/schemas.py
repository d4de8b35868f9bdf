"""What crosses the API edge for the decision log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import LINK, ItemList, LongText, Name, NoNul, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

DecisionSource = Literal["gate_review", "change_request", "meeting", "other"]
# What a client may write: the other sources are the system's (read-only entries).
ClientSource = Literal["meeting", "other"]
Link = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2000, pattern=LINK),
    NoNul,
]


class DecisionCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name = Field(description="The decision.")
    rationale: LongText | None = None
    alternatives: ItemList = Field(default_factory=list, description="The options not taken.")
    decided_by: Person | None = None
    decided_on: date | None = Field(default=None, description="Default: today (UTC).")
    source: ClientSource = Field(
        default="other",
        description="`meeting` or `other`: entries of source `gate_review` and `change_request` "
        "are written by the server (a gate decision, an approved change request) and are "
        "read-only. Fixed once created.",
    )
    source_id: uuid.UUID | None = Field(
        default=None, description="The meeting (or other record) it comes from; fixed once created."
    )
    links: Annotated[list[Link], Field(max_length=50)] = Field(
        default_factory=list, description="http(s) URLs: minutes, documents."
    )


@patch_of(DecisionCreate, exclude=frozenset({"source", "source_id"}))
class DecisionPatch(MergePatch):
    required_fields = frozenset({"title", "alternatives", "decided_on", "links"})


class DecisionOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID | None = Field(description="Null for a portfolio's decision.")
    project_code: str | None
    portfolio_id: uuid.UUID = Field(description="The portfolio's, or its project's portfolio.")
    title: str
    rationale: str | None
    alternatives: list[str]
    decided_by: str | None
    decided_on: date
    source: DecisionSource
    source_id: uuid.UUID | None
    links: list[str]
    read_only: bool = Field(
        description="Written by the server (source `gate_review` or `change_request`): a PATCH "
        "or DELETE is a 409."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class DecisionPage(Page[DecisionOut]):
    pass


class DecisionListParams(ListParams):
    sort: str | None = sorted_by("created_at", "decided_on", "id", "title", "updated_at")
    source: list[DecisionSource] = many()
    decided_since: date | None = Field(default=None, description="Decided on or after this day.")
    decided_until: date | None = Field(default=None, description="Decided on or before this day.")


class DecisionFeedParams(DecisionListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
