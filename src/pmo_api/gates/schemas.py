"""What crosses the API edge for gate reviews."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import NOT_BLANK, LongText, Name, NoNul, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of

# How many criteria, reviewers and conditions a review holds at most (GraphQL's bounds too).
MAX_CRITERIA = 200
MAX_REVIEWERS = 100
MAX_CONDITIONS = 100

Decision = Literal["go", "hold", "recycle", "kill"]
Level = Literal["must", "should"]
Result = Literal["met", "not_met", "n/a"]
Vote = Literal["go", "hold", "recycle", "kill", "abstain"]
Key = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NOT_BLANK),
    NoNul,
]
# As a template's gate criterion: up to 2,000 characters.
CriterionText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=NOT_BLANK),
    NoNul,
]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), NoNul]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000), NoNul
]


class CriterionIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    key: Key | None = Field(default=None, description="The gate definition's criterion key.")
    text: CriterionText
    level: Level = "must"
    result: Result | None = Field(default=None, description="null: not yet recorded.")
    evidence_url: Url | None = None
    comment: LongText | None = None


class ReviewerIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    vote: Vote | None = None
    comment: LongText | None = None


class ConditionIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    title: Name
    owner: Person | None = None
    due_date: date | None = None


class OverrideIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="Why the gate is passed with a `must` criterion unmet.")


class GateReviewCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    milestone_id: uuid.UUID | None = Field(
        default=None,
        description="The gate: a milestone of the project with is_gate (or give `gate_key`).",
    )
    gate_key: Key | None = Field(
        default=None, description="The gate by the milestone's `gate_key` (or give `milestone_id`)."
    )
    scheduled_on: date | None = None
    held_on: date | None = None
    criteria: list[CriterionIn] | None = Field(
        default=None,
        max_length=MAX_CRITERIA,
        description="Absent: the criteria of the gate's definition in the project's template "
        "(none without one).",
    )
    reviewers: list[ReviewerIn] = Field(default_factory=list, max_length=MAX_REVIEWERS)
    notes: LongText | None = None


@patch_of(GateReviewCreate, exclude=frozenset({"milestone_id", "gate_key"}))
class GateReviewPatch(MergePatch):
    required_fields = frozenset({"criteria", "reviewers"})


class GateDecisionIn(JsonBody):
    model_config = ConfigDict(extra="forbid")

    decision: Decision
    decided_on: date | None = Field(default=None, description="Default: today.")
    decided_by: Person | None = Field(default=None, description="Default: the caller's name.")
    rationale: LongText | None = None
    override: OverrideIn | None = Field(
        default=None,
        description="Needed (422 at `override` without it) when a `must` criterion is "
        "`not_met` or has no result.",
    )
    conditions: list[ConditionIn] = Field(
        default_factory=list,
        max_length=MAX_CONDITIONS,
        description="Only with `go`: each becomes an action item of the project.",
    )


class GateCriterionResultOut(BaseModel):
    key: str | None
    text: str
    level: Level
    result: Result | None
    evidence_url: str | None
    comment: str | None


class ReviewerOut(BaseModel):
    name: str
    vote: Vote | None
    comment: str | None


class ConditionOut(BaseModel):
    title: str
    owner: str | None
    due_date: date | None


class OverrideOut(BaseModel):
    reason: str


class GateReviewOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    portfolio_id: uuid.UUID
    milestone_id: uuid.UUID
    scheduled_on: date | None
    held_on: date | None
    criteria: list[GateCriterionResultOut]
    reviewers: list[ReviewerOut]
    notes: str | None
    open: bool = Field(description="No decision yet.")
    decision: Decision | None
    decided_on: date | None
    decided_by: str | None
    rationale: str | None
    override: OverrideOut | None
    conditions: list[ConditionOut]
    superseded_by: uuid.UUID | None = Field(
        description="The later review of the same gate, once there is one."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class GateReviewPage(Page[GateReviewOut]):
    pass


class GateReviewListParams(ListParams):
    sort: str | None = sorted_by(
        "created_at", "decided_on", "held_on", "id", "scheduled_on", "updated_at"
    )
    decision: list[Decision] = many()
    open: bool | None = Field(default=None, description="true: undecided only; false: decided.")
    scheduled_before: date | None = Field(default=None, description="scheduled_on < this.")
    milestone_id: list[uuid.UUID] = many()


class GateReviewFeedParams(GateReviewListParams):
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
