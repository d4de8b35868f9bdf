"""REST endpoints for quality reviews and their findings."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile, ResourceRoutes
from pmo_api.quality import findings, service
from pmo_api.quality import repository as repo
from pmo_api.quality.schemas import (
    FindingCreate,
    FindingFeedParams,
    FindingListParams,
    FindingOut,
    FindingPage,
    FindingPatch,
    ReviewCreate,
    ReviewFeedParams,
    ReviewListParams,
    ReviewOut,
    ReviewPage,
    ReviewPatch,
)

router = APIRouter(tags=["quality"])

REVIEWS_CSV = CsvFile(repo.REVIEW_FIELDS, "quality-reviews.csv", copy=True)
FINDINGS_CSV = CsvFile(repo.FINDING_FIELDS, "quality-findings.csv", copy=True)

review_lists = ListRoutes(
    router, ReviewPage, service.list_reviews, service.review_json, REVIEWS_CSV
)


@review_lists.route("/api/v1/quality-reviews", "quality-reviews-list")
def list_quality_reviews(params: ReviewFeedParams) -> service.ReviewFilter:
    """Quality reviews across the projects the caller may see. Filter by `portfolio_id`,
    `project` (id or code), `kind`, `status`, `reviewer`, `q`, `updated_since`; CSV streams
    every matching row."""
    return service.ReviewFilter.of(params)


@review_lists.route("/api/v1/projects/{project}/quality-reviews", "project-quality-reviews-list")
def list_project_quality_reviews(params: ReviewListParams, project: str) -> service.ReviewFilter:
    """The project's quality reviews (peer reviews, audits, health checks); CSV on request."""
    return service.ReviewFilter.of(params, project=project)


review = ResourceRoutes(
    router, "/api/v1/quality-reviews/{quality_review_id}", ReviewOut, service.review_json
)
review.create(
    "/api/v1/projects/{project}/quality-reviews",
    service.create_review,
    ReviewCreate,
    "Add a quality review to a project (editor). Honours `Idempotency-Key`.",
)
review.get(service.visible_review, "One quality review. Honours `If-None-Match`.")
review.update(
    service.update_review,
    ReviewPatch,
    "JSON Merge Patch of a quality review (editor). Honours `If-Match`.",
)
review.delete(
    service.delete_review,
    "Remove a quality review with its findings and their corrective actions (editor). "
    "Honours `If-Match`.",
)

finding_lists = ListRoutes(
    router, FindingPage, findings.list_findings, findings.finding_json, FINDINGS_CSV
)


@finding_lists.route("/api/v1/quality-findings", "quality-findings-list")
def list_quality_findings(params: FindingFeedParams) -> findings.FindingFilter:
    """Findings of quality reviews across the projects the caller may see. Filter by
    `portfolio_id`, `project` (id or code), `severity`, `q`, `updated_since`; CSV streams every
    matching row."""
    return findings.FindingFilter.of(params)


@finding_lists.route(
    "/api/v1/quality-reviews/{quality_review_id}/findings", "quality-review-findings-list"
)
def list_quality_review_findings(
    params: FindingListParams, quality_review_id: uuid.UUID
) -> findings.FindingFilter:
    """The review's findings, in creation order; CSV on request."""
    return findings.FindingFilter.of(params, review=quality_review_id)


finding = ResourceRoutes(
    router, "/api/v1/quality-findings/{quality_finding_id}", FindingOut, findings.finding_json
)
finding.create(
    "/api/v1/quality-reviews/{quality_review_id}/findings",
    findings.create_finding,
    FindingCreate,
    "Add a finding to a quality review (editor); a closed review takes none (409). Honours "
    "`Idempotency-Key`.",
)
finding.get(findings.visible_finding, "One finding. Honours `If-None-Match`.")
finding.update(
    findings.update_finding,
    FindingPatch,
    "JSON Merge Patch of a finding (editor). Honours `If-Match`.",
)
finding.delete(
    findings.delete_finding,
    "Remove a finding and its corrective action (editor). Honours `If-Match`.",
)
