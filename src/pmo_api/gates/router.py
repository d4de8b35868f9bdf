"""REST endpoints for gate reviews: a project's reviews, the feed across projects, one review,
and its decision."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, IfMatch
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import WRITE, CsvFile, ResourceRoutes
from pmo_api.core.writes import patched
from pmo_api.gates import decide, service
from pmo_api.gates.schemas import (
    GateDecisionIn,
    GateReviewCreate,
    GateReviewFeedParams,
    GateReviewListParams,
    GateReviewOut,
    GateReviewPage,
    GateReviewPatch,
)

router = APIRouter(tags=["gate reviews"])

# Criteria, reviewers, override and conditions are one cell of JSON text each.
REVIEWS_CSV = CsvFile(service.CSV_COLUMNS, "gate-reviews.csv")

review_lists = ListRoutes(
    router, GateReviewPage, service.list_reviews, service.review_json, REVIEWS_CSV
)


@review_lists.route("/api/v1/gate-reviews", "gate-reviews-list")
def list_gate_reviews(params: GateReviewFeedParams) -> service.GateReviewFilter:
    """Gate reviews across the projects the caller may see. Filter by `portfolio_id`, `project`
    (id or code), `milestone_id`, `decision`, `open` (true: undecided), `scheduled_before`,
    `q` (in notes and rationale), `updated_since`; CSV streams every matching row."""
    return service.GateReviewFilter.of(params)


@review_lists.route("/api/v1/projects/{project}/gate-reviews", "project-gate-reviews-list")
def list_project_gate_reviews(
    params: GateReviewListParams, project: str
) -> service.GateReviewFilter:
    """The project's gate reviews; CSV on request."""
    return service.GateReviewFilter.of(params, project=project)


review = ResourceRoutes(
    router, "/api/v1/gate-reviews/{gate_review_id}", GateReviewOut, service.review_json
)
review.create(
    "/api/v1/projects/{project}/gate-reviews",
    service.create_review,
    GateReviewCreate,
    """Schedule a review of one of the project's gates (`milestone_id`: a milestone with
    `is_gate`) (editor). Without `criteria`, those of the gate's definition in the project's
    template. 409 while the gate has an open (undecided) review; the new review supersedes the
    gate's latest decided one. Honours `Idempotency-Key`.""",
)
review.get(service.visible_review, "One gate review. Honours `If-None-Match`.")
review.update(
    service.update_review,
    GateReviewPatch,
    """JSON Merge Patch of an open review (editor): dates, criteria results, reviewers' votes;
    a decided review is immutable (409). Honours `If-Match`.""",
)
review.delete(
    service.delete_review,
    "Remove an open review (editor); a decided one stays (409). Honours `If-Match`.",
)


@router.post(
    "/api/v1/gate-reviews/{gate_review_id}/decision",
    operation_id="gate-reviews-decide",
    response_model=GateReviewOut,
    responses=WRITE,
)
async def decide_gate_review(
    request: Request,
    caller: Caller,
    db: DB,
    precondition: IfMatch,
    gate_review_id: uuid.UUID,
    body: GateDecisionIn,
) -> Response:
    """Decide an open review (editor), in one transaction with its effects: `go` completes the
    gate milestone on `decided_on` (its conditions become action items), `hold` puts the
    project on hold, `kill` cancels it (409, and nothing written, when the project's status
    cannot go there), `recycle` leaves the gate open for a new review. Every decision writes a
    decision log entry. A `must` criterion `not_met` or without a result needs
    `override: {reason}` (422 at `override` otherwise). The review is then immutable (deciding
    again: 409). Honours `If-Match`."""
    return await patched(
        request,
        db,
        decide.decide_review,
        service.review_json,
        principal=caller,
        object_id=gate_review_id,
        patch=body,
        precondition=precondition,
    )
