"""GraphQL for gate reviews: the root queries, their filter and inputs, and the mutations
(create, update, delete, decide), over the same services as REST. The types are in
graphql/types/gate_review.py."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import strawberry
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.gates import decide, service
from pmo_api.gates import repository as repo
from pmo_api.gates.schemas import GateDecisionIn, GateReviewCreate, GateReviewPatch
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError, parse_input, run_mutation, unset_removed
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import delete_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids, require_id
from pmo_api.graphql.types.gate_review import (
    CriterionLevel,
    CriterionResult,
    GateDecision,
    GateReview,
    GateReviewFilter,
    ReviewerVote,
    wanted_of,
)

# --- root queries ---------------------------------------------------------------------------------


@strawberry.input(description="GateReviewFilter, and which portfolios and projects (ids or codes).")
class GateReviewFeedFilter(GateReviewFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class GateReviewQuery:
    @strawberry.field
    async def gate_review(self, info: Info, id: strawberry.ID) -> GateReview | None:
        return await one_by_id(info, id, repo.get, GateReview.from_row)

    @strawberry.field(
        description="Gate reviews across the projects the caller may see "
        "(GET /api/v1/gate-reviews), in creation order."
    )
    async def gate_reviews(
        self,
        info: Info,
        filter: GateReviewFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[GateReview]:
        f = filter or GateReviewFeedFilter()
        wanted = dataclasses.replace(
            wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(info, service.list_reviews, wanted, query, GateReview.from_row)


# --- inputs ---------------------------------------------------------------------------------------


@strawberry.input
class GateReviewCriterionInput:
    key: str | None = None
    text: str
    level: CriterionLevel | None = strawberry.field(default=strawberry.UNSET, description="MUST.")
    result: CriterionResult | None = None
    evidence_url: str | None = None
    comment: str | None = None


@strawberry.input
class GateReviewerInput:
    name: str
    vote: ReviewerVote | None = None
    comment: str | None = None


@strawberry.input
class GateConditionInput:
    title: str
    owner: str | None = None
    due_date: date | None = None


@strawberry.input
class GateOverrideInput:
    reason: str


@strawberry.input
class GateReviewCreateInput:
    milestone_id: strawberry.ID | None = strawberry.field(
        default=None, description="The gate: a milestone with isGate (or give gateKey)."
    )
    gate_key: str | None = strawberry.field(
        default=None, description="The gate by its milestone's gateKey (or give milestoneId)."
    )
    scheduled_on: date | None = None
    held_on: date | None = None
    criteria: list[GateReviewCriterionInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Absent: the criteria of the gate's definition in the project's template.",
    )
    reviewers: list[GateReviewerInput] | None = strawberry.field(
        default=strawberry.UNSET, description="None."
    )
    notes: str | None = None


@patch_of(GateReviewCreateInput, without=("milestone_id", "gate_key"))
class GateReviewPatchInput:
    """GateReviewCreateInput's fields but milestoneId and gateKey, each optional."""


@strawberry.input
class GateDecisionInput:
    decision: GateDecision
    decided_on: date | None = strawberry.field(default=None, description="Default: today.")
    decided_by: str | None = strawberry.field(
        default=None, description="Default: the caller's name."
    )
    rationale: str | None = None
    override: GateOverrideInput | None = strawberry.field(
        default=None,
        description="Needed when a MUST criterion is NOT_MET or has no result.",
    )
    conditions: list[GateConditionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Only with GO: each becomes an action item."
    )


def _plain(value: Any) -> Any:
    """A strawberry input (nested inputs too) as the plain dict REST's body model validates."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in unset_removed(value).items()}
    return value


GateReviewResult = Annotated[GateReview | AnyUserError, strawberry.union("GateReviewResult")]

Work = Callable[[AsyncConnection, BaseModel], Awaitable[Any]]


async def _write(
    info: Info, model: type[BaseModel], value: Any, argument: str, work: Work
) -> GateReviewResult:
    """`work` with the input parsed as REST's body `model`, in one unit of work."""

    async def run(conn: AsyncConnection) -> GateReview:
        data = parse_input(model, _plain(value), at=argument)
        return GateReview.from_row(await work(conn, data))

    return await run_mutation(info.context.db, run, argument=argument)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.type
class GateReviewMutation:
    @strawberry.mutation(
        description="Schedule a review of a gate of a project named by id or code (editor); "
        "a ConflictError while the gate has an open review."
    )
    async def create_gate_review(
        self, info: Info, project: str, input: GateReviewCreateInput
    ) -> GateReviewResult:
        principal = info.context.principal

        async def work(conn: AsyncConnection, data: BaseModel) -> Any:
            assert isinstance(data, GateReviewCreate)
            return await service.create_review(conn, principal=principal, ref=project, data=data)

        return await _write(info, GateReviewCreate, input, "input", work)

    @strawberry.mutation(
        description="Merge-patch an open review (editor); a decided one is immutable "
        "(ConflictError)."
    )
    async def update_gate_review(
        self,
        info: Info,
        id: strawberry.ID,
        patch: GateReviewPatchInput,
        expected_version: int | None = None,
    ) -> GateReviewResult:
        principal = info.context.principal

        async def work(conn: AsyncConnection, data: BaseModel) -> Any:
            assert isinstance(data, GateReviewPatch)
            return await service.update_review(
                conn,
                principal=principal,
                object_id=require_id(id, "gate review"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )

        return await _write(info, GateReviewPatch, patch, "patch", work)

    delete_gate_review = delete_mutation(
        "gate review",
        service.delete_review,
        description="Remove an open review (editor); a decided one stays (ConflictError).",
    )

    @strawberry.mutation(
        description="Decide an open review (editor), with its effects in the same transaction "
        "(as POST /api/v1/gate-reviews/{id}/decision): GO completes the gate milestone (its "
        "conditions become action items), HOLD puts the project on hold, KILL cancels it, "
        "RECYCLE leaves the gate open. The review is then immutable."
    )
    async def decide_gate_review(
        self,
        info: Info,
        id: strawberry.ID,
        input: GateDecisionInput,
        expected_version: int | None = None,
    ) -> GateReviewResult:
        principal = info.context.principal

        async def work(conn: AsyncConnection, data: BaseModel) -> Any:
            assert isinstance(data, GateDecisionIn)
            return await decide.decide_review(
                conn,
                principal=principal,
                object_id=require_id(id, "gate review"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )

        return await _write(info, GateDecisionIn, input, "input", work)
