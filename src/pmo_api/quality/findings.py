"""Rules for the findings of quality reviews. A finding belongs to its review's project; its
corrective action is an action item (quality/corrective.py) written in the same transaction.
Services receive the transaction and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import changed_only, delete_row, insert_row
from pmo_api.core.errors import Conflict, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project
from pmo_api.quality import corrective
from pmo_api.quality import repository as repo
from pmo_api.quality.models import ReviewStatus, quality_findings
from pmo_api.quality.schemas import FindingCreate, FindingListParams, FindingPatch
from pmo_api.quality.service import visible_review


@dataclass(frozen=True)
class FindingFilter:
    """The filters of the finding lists: the feed, one project's findings (`project`) and one
    review's (`review`). Several values of one filter are an OR. Hashable."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    review: uuid.UUID | None = None  # the one review of the list; 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    open: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: FindingListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
        review: uuid.UUID | None = None,
    ) -> FindingFilter:
        return filter_of(cls, params, since_at=since_at, project=project, review=review)


async def list_findings(
    conn: AsyncConnection, principal: Principal, filter: FindingFilter, *, sort: str | None = None
) -> Listing:
    """The findings the caller may see that match `filter`, in `sort` order (default:
    creation): the feed, a review's findings, their CSV and GraphQL's lists alike."""
    stmt = repo.presented_findings(principal)
    stmt = await within_project(
        conn, principal, stmt, quality_findings.c.project_id, filter.project
    )
    if filter.review is not None:
        review = await visible_review(conn, principal, filter.review)
        stmt = stmt.where(quality_findings.c.review_id == review["id"])
    stmt = repo.filtered_findings(stmt, **narrowing(filter, "project", "review"))
    return Listing(stmt, repo.finding_sort(sort))


def finding_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in repo.FINDING_FIELDS}


async def visible_finding(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get_finding(conn, principal, object_id), f"quality finding {object_id}")


async def create_finding(
    conn: AsyncConnection,
    *,
    principal: Principal,
    data: FindingCreate,
    quality_review_id: uuid.UUID,
) -> RowMapping:
    """A finding of a review (editor), its project locked first; a closed review takes none."""
    principal.require(Role.editor)
    review = await visible_review(conn, principal, quality_review_id)
    await visible_project(conn, principal, review["project_id"], lock=True)
    review = await visible_review(conn, principal, quality_review_id)  # now current
    if review["status"] == ReviewStatus.CLOSED:
        raise Conflict(f"quality review {quality_review_id} is closed: it takes no new findings")
    own, action = corrective.split(data.model_dump())
    values = {"project_id": review["project_id"], "review_id": review["id"], **own}
    new = await insert_row(conn, quality_findings, values, actor=principal)
    await corrective.create_corrective_action(conn, principal, {"id": new, **values}, action)
    return await visible_finding(conn, principal, new)


async def update_finding(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: FindingPatch,
    precondition: Precondition,
) -> RowMapping:
    """The finding and its corrective action (through the actions service), in one transaction;
    no write at all when nothing differs."""
    current = await child_to_write(conn, principal, object_id, visible_finding, precondition)
    changed = changed_only(current, patch.changes())
    own, action = corrective.split(changed)
    updated = await update_child(conn, principal, quality_findings, current, own, visible_finding)
    if action or "description" in own:
        renamed = {"description": own["description"]} if "description" in own else {}
        await corrective.update_corrective_action(conn, principal, current, {**action, **renamed})
        return await visible_finding(conn, principal, object_id)
    return updated


async def delete_finding(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_finding, precondition)
    await corrective.remove_corrective_action(conn, principal, current)
    await delete_row(conn, quality_findings, current, actor=principal)
