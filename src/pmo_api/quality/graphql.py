"""GraphQL for quality reviews and their findings: the root queries, their filters and inputs,
and the mutations, over the same services as REST. The types are in
graphql/types/quality_review.py and graphql/types/quality_finding.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids, require_id
from pmo_api.graphql.types.action_item import ActionStatus
from pmo_api.graphql.types.quality_finding import (
    FindingSeverity,
    QualityFinding,
    QualityFindingFilter,
    finding_wanted_of,
)
from pmo_api.graphql.types.quality_review import (
    QualityReview,
    QualityReviewFilter,
    ReviewKind,
    ReviewStatus,
    review_wanted_of,
)
from pmo_api.quality import findings, service
from pmo_api.quality import repository as repo
from pmo_api.quality.schemas import FindingCreate, FindingPatch, ReviewCreate, ReviewPatch

# --- root queries ---------------------------------------------------------------------------------


@strawberry.input(description="QualityReviewFilter, and which portfolios and projects.")
class QualityReviewFeedFilter(QualityReviewFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.input(description="QualityFindingFilter, and which portfolios and projects.")
class QualityFindingFeedFilter(QualityFindingFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class QualityQuery:
    @strawberry.field
    async def quality_review(self, info: Info, id: strawberry.ID) -> QualityReview | None:
        return await one_by_id(info, id, repo.get_review, QualityReview.from_row)

    @strawberry.field(
        description="Quality reviews across the projects the caller may see "
        "(GET /api/v1/quality-reviews), in creation order."
    )
    async def quality_reviews(
        self,
        info: Info,
        filter: QualityReviewFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[QualityReview]:
        f = filter or QualityReviewFeedFilter()
        wanted = replace(
            review_wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(info, service.list_reviews, wanted, query, QualityReview.from_row)

    @strawberry.field
    async def quality_finding(self, info: Info, id: strawberry.ID) -> QualityFinding | None:
        return await one_by_id(info, id, repo.get_finding, QualityFinding.from_row)

    @strawberry.field(
        description="Findings of quality reviews across the projects the caller may see "
        "(GET /api/v1/quality-findings), in creation order."
    )
    async def quality_findings(
        self,
        info: Info,
        filter: QualityFindingFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[QualityFinding]:
        f = filter or QualityFindingFeedFilter()
        wanted = replace(
            finding_wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(info, findings.list_findings, wanted, query, QualityFinding.from_row)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class QualityReviewCreateInput:
    kind: ReviewKind
    title: str
    reviewer: str | None = None
    held_on: date | None = None
    summary: str | None = None
    status: ReviewStatus | None = strawberry.field(default=strawberry.UNSET, description="PLANNED.")


@patch_of(QualityReviewCreateInput)
class QualityReviewPatchInput:
    """QualityReviewCreateInput's fields, each optional."""


@strawberry.input
class QualityFindingCreateInput:
    severity: FindingSeverity
    description: str
    action_owner: str | None = strawberry.field(
        default=None, description="Who carries out the corrective action."
    )
    action_due_date: date | None = strawberry.field(
        default=None, description="When the corrective action is due."
    )
    action_status: ActionStatus | None = strawberry.field(
        default=strawberry.UNSET, description="The corrective action's status; OPEN."
    )


@patch_of(QualityFindingCreateInput)
class QualityFindingPatchInput:
    """QualityFindingCreateInput's fields, each optional."""


QualityReviewResult = Annotated[
    QualityReview | AnyUserError, strawberry.union("QualityReviewResult")
]
QualityFindingResult = Annotated[
    QualityFinding | AnyUserError, strawberry.union("QualityFindingResult")
]


def _finding_of(review: strawberry.ID) -> Any:
    """The create service of a finding of the review `review` (404 when it names none)."""

    async def create(conn: AsyncConnection, *, principal: Principal, data: FindingCreate) -> Any:
        review_id = require_id(review, "quality review")
        return await findings.create_finding(
            conn, principal=principal, data=data, quality_review_id=review_id
        )

    return create


@strawberry.type
class QualityMutation:
    @strawberry.mutation(
        description="Add a quality review (peer review, audit, health check) to a project named "
        "by id or code (editor)."
    )
    async def create_quality_review(
        self, info: Info, project: str, input: QualityReviewCreateInput
    ) -> QualityReviewResult:
        create = partial(service.create_review, ref=project)
        return await created(info, ReviewCreate, input, create, QualityReview.from_row)

    update_quality_review = update_mutation(
        "quality review",
        QualityReviewPatchInput,
        ReviewPatch,
        service.update_review,
        QualityReview.from_row,
        QualityReviewResult,
        description="Merge-patch a quality review (editor).",
    )
    delete_quality_review = delete_mutation(
        "quality review",
        service.delete_review,
        description="Remove a quality review with its findings and their corrective actions "
        "(editor).",
    )

    @strawberry.mutation(
        description="Add a finding to a quality review (editor), with its corrective action (an "
        "action item, source FINDING); a closed review takes none."
    )
    async def create_quality_finding(
        self, info: Info, review: strawberry.ID, input: QualityFindingCreateInput
    ) -> QualityFindingResult:
        return await created(
            info, FindingCreate, input, _finding_of(review), QualityFinding.from_row
        )

    update_quality_finding = update_mutation(
        "quality finding",
        QualityFindingPatchInput,
        FindingPatch,
        findings.update_finding,
        QualityFinding.from_row,
        QualityFindingResult,
        description="Merge-patch a finding and its corrective action (editor).",
    )
    delete_quality_finding = delete_mutation(
        "quality finding",
        findings.delete_finding,
        description="Remove a finding and its corrective action (editor).",
    )
