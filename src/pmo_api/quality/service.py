"""Rules for quality reviews. Services receive the transaction and never commit. A review's
findings are written by quality/findings.py."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.crud import delete_row
from pmo_api.core.errors import found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.projects.children import ChildWrites, child_to_write
from pmo_api.projects.service import within_project
from pmo_api.quality import repository as repo
from pmo_api.quality.corrective import remove_corrective_action
from pmo_api.quality.models import quality_findings, quality_reviews
from pmo_api.quality.schemas import ReviewListParams


@dataclass(frozen=True)
class ReviewFilter:
    """The filters of the review lists: the feed and one project's reviews (`project`).
    Several values of one filter are an OR. Hashable: part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    reviewer: tuple[str, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: ReviewListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> ReviewFilter:
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_reviews(
    conn: AsyncConnection, principal: Principal, filter: ReviewFilter, *, sort: str | None = None
) -> Listing:
    """The reviews the caller may see that match `filter`, in `sort` order (default: creation):
    the feed, a project's reviews, their CSV and GraphQL's lists alike."""
    stmt = repo.presented_reviews(principal)
    stmt = await within_project(conn, principal, stmt, quality_reviews.c.project_id, filter.project)
    stmt = repo.filtered_reviews(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.review_sort(sort))


def review_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in repo.REVIEW_FIELDS}


async def visible_review(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get_review(conn, principal, object_id), f"quality review {object_id}")


async def _nothing_derived(conn: AsyncConnection, project_ids: Sequence[uuid.UUID]) -> None:
    """A review changes no aggregate of its project."""
    del conn, project_ids


REVIEWS = ChildWrites(quality_reviews, visible_review, _nothing_derived)
create_review = REVIEWS.create
update_review = REVIEWS.update


async def delete_review(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    """A review and its findings (each with its audit event, tombstone and corrective action)."""
    current = await child_to_write(conn, principal, object_id, visible_review, precondition)
    for finding in await repo.findings_of_review(conn, principal, object_id):
        await remove_corrective_action(conn, principal, finding)
        await delete_row(conn, quality_findings, finding, actor=principal)
    await delete_row(conn, quality_reviews, current, actor=principal)
