"""The `GateReview` type with the types nested in it (criteria, reviewers, override,
conditions), its enums (gates/models.py's StrEnums), and `project.gateReviews` and
`milestone.gateReviews`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Self

import strawberry

# The templates' GraphQL enum CriterionLevel (templates/models.py's, which gates share) is
# registered there: imported first, so it is registered before it is used here.
import pmo_api.graphql.types.methodology_template  # noqa: F401
from pmo_api.gates import service
from pmo_api.gates.models import CriterionLevel as CriterionLevel
from pmo_api.gates.models import CriterionResult as CriterionResult
from pmo_api.gates.models import GateDecision as GateDecision
from pmo_api.gates.models import ReviewerVote as ReviewerVote
from pmo_api.gates.schemas import (
    MAX_CONDITIONS,
    MAX_CRITERIA,
    MAX_REVIEWERS,
    GateReviewListParams,
)
from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.relay import Connection, list_query, page_size, parse_ids

# The GraphQL enums are the domain's own StrEnums, registered here: GraphQL code imports them
# from this module (the re-exports above), so they are registered before they are used.
strawberry.enum(
    GateDecision,
    description="GO completes the gate milestone, HOLD puts the project on hold, RECYCLE "
    "leaves the gate open for a new review, KILL cancels the project.",
)
strawberry.enum(CriterionResult, description="NOT_APPLICABLE is `n/a` in REST.")
strawberry.enum(ReviewerVote)


@strawberry.type
class GateReviewCriterion:
    key: str | None
    text: str
    level: CriterionLevel
    result: CriterionResult | None = strawberry.field(description="Null: not yet recorded.")
    evidence_url: str | None
    comment: str | None


@strawberry.type
class GateReviewer:
    name: str
    vote: ReviewerVote | None
    comment: str | None


@strawberry.type
class GateOverride:
    reason: str


@strawberry.type
class GateCondition:
    title: str
    owner: str | None
    due_date: date | None


def _dated(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


@strawberry.type
class GateReview:
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    milestone_id: strawberry.ID
    scheduled_on: date | None
    held_on: date | None
    criteria: list[GateReviewCriterion] = strawberry.field(metadata=bounded(MAX_CRITERIA))
    reviewers: list[GateReviewer] = strawberry.field(metadata=bounded(MAX_REVIEWERS))
    notes: str | None
    open: bool = strawberry.field(description="No decision yet.")
    decision: GateDecision | None
    decided_on: date | None
    decided_by: str | None
    rationale: str | None
    override: GateOverride | None
    conditions: list[GateCondition] = strawberry.field(metadata=bounded(MAX_CONDITIONS))
    superseded_by: strawberry.ID | None = strawberry.field(
        description="The later review of the same gate, once there is one."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Self:
        """From a review as REST shows it (service.review_json)."""
        body = service.review_json(row)
        override = body["override"]
        return from_body(
            cls,
            body,
            criteria=[
                GateReviewCriterion(
                    key=c["key"],
                    text=c["text"],
                    level=CriterionLevel(c["level"]),
                    result=None if c["result"] is None else CriterionResult(c["result"]),
                    evidence_url=c["evidence_url"],
                    comment=c["comment"],
                )
                for c in body["criteria"]
            ],
            reviewers=[
                GateReviewer(
                    name=r["name"],
                    vote=None if r["vote"] is None else ReviewerVote(r["vote"]),
                    comment=r["comment"],
                )
                for r in body["reviewers"]
            ],
            override=None if override is None else GateOverride(reason=override["reason"]),
            conditions=[
                GateCondition(title=c["title"], owner=c["owner"], due_date=_dated(c["due_date"]))
                for c in body["conditions"]
            ],
        )


@strawberry.input(description="As the filters of REST's gate review lists; several values OR.")
class GateReviewFilter:
    decision: list[GateDecision] | None = None
    open: bool | None = strawberry.field(default=None, description="true: undecided only.")
    scheduled_before: date | None = None
    milestone_id: list[strawberry.ID] | None = None
    q: str | None = strawberry.field(default=None, description="Text search in notes, rationale.")
    updated_since: datetime | None = None


def wanted_of(f: GateReviewFilter | None) -> service.GateReviewFilter:
    """The service's filter, checked by REST's own parameter model."""
    f = f or GateReviewFilter()
    given = {
        "decision": [d.value for d in f.decision or []],
        "open": f.open,
        "scheduled_before": f.scheduled_before,
        "milestone_id": parse_ids(f.milestone_id),
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        GateReviewListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return service.GateReviewFilter.of(params, since_at="updatedSince")


async def project_gate_reviews(
    info: Info,
    project_id: uuid.UUID,
    f: GateReviewFilter | None,
    first: int,
    after: str | None,
) -> Connection[GateReview]:
    """`project.gateReviews`: the first page through a DataLoader, a later one (one project at
    a time) as REST pages it."""
    pages = info.context.loaders.gate_reviews_by_project
    return await pages.connection(
        project_id, wanted_of(f), list_query(first, after), GateReview.from_row
    )


async def milestone_gate_reviews(
    info: Info, milestone_id: uuid.UUID, first: int
) -> list[GateReview]:
    """`milestone.gateReviews(first)`, in creation order, through its DataLoader."""
    loader = info.context.loaders.gate_reviews_by_milestone
    rows = await loader.load((milestone_id, page_size(first)))
    return [GateReview.from_row(row) for row in rows]
