"""The `QualityReview` type, its enums (the domain's own StrEnums), its findings, and
`project.qualityReviews`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.relay import Connection, list_query, own_id, page_size
from pmo_api.graphql.types.quality_finding import QualityFinding
from pmo_api.quality import service
from pmo_api.quality.models import ReviewKind as ReviewKind
from pmo_api.quality.models import ReviewStatus as ReviewStatus
from pmo_api.quality.schemas import ReviewListParams

strawberry.enum(ReviewKind, name="QualityReviewKind")
strawberry.enum(ReviewStatus, name="QualityReviewStatus")


@strawberry.type
class QualityReview(FromBody, body_of=service.review_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    kind: ReviewKind
    title: str
    reviewer: str | None
    held_on: date | None
    summary: str | None
    status: ReviewStatus
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> QualityReview:
        return from_body(cls, body)

    @strawberry.field(description="Its first findings (1 to 500), in creation order.")
    async def findings(self, info: Info, first: int = 50) -> list[QualityFinding]:
        key = (own_id(self.id), page_size(first))
        rows = await info.context.loaders.findings_by_review.load(key)
        return [QualityFinding.from_row(row) for row in rows]


@strawberry.input(description="As the filters of REST's review lists; several values are an OR.")
class QualityReviewFilter:
    kind: list[ReviewKind] | None = None
    status: list[ReviewStatus] | None = None
    reviewer: list[str] | None = None
    q: str | None = strawberry.field(default=None, description="Text search in title, summary.")
    updated_since: datetime | None = None


def review_wanted_of(f: QualityReviewFilter | None) -> service.ReviewFilter:
    """The service's filter, checked by REST's own parameter model."""
    f = f or QualityReviewFilter()
    given = {
        "kind": [k.value for k in f.kind or []],
        "status": [s.value for s in f.status or []],
        "reviewer": f.reviewer or [],
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        ReviewListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return service.ReviewFilter.of(params, since_at="updatedSince")


async def quality_reviews_of(
    info: Info,
    project_id: uuid.UUID,
    f: QualityReviewFilter | None,
    first: int,
    after: str | None,
) -> Connection[QualityReview]:
    """`project.qualityReviews`: the first page through a DataLoader, a later one as REST
    pages it."""
    query = list_query(first, after)
    pages = info.context.loaders.quality_reviews_by_project
    return await pages.connection(project_id, review_wanted_of(f), query, QualityReview.from_row)
