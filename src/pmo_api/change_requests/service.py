"""Rules for change requests. Services receive the transaction and never commit; an approval's
effects (approval.py) are written in the transaction of the transition."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.change_requests import approval, rules
from pmo_api.change_requests import repository as repo
from pmo_api.change_requests.models import ChangeState, change_requests
from pmo_api.change_requests.schemas import (
    ChangeRequestCreate,
    ChangeRequestListParams,
    ChangeRequestPatch,
    TransitionIn,
)
from pmo_api.core.clock import utcnow
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.core.money import from_minor, to_minor
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project
from pmo_api.raid_issues.models import raid_issues


@dataclass(frozen=True)
class ChangeRequestFilter:
    """The filters of the change request lists: the feed and one project's list (`project`).
    Several values of one filter are an OR. Hashable: part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: ChangeRequestListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> ChangeRequestFilter:
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_change_requests(
    conn: AsyncConnection,
    principal: Principal,
    filter: ChangeRequestFilter,
    *,
    sort: str | None = None,
) -> Listing:
    """The change requests the caller may see that match `filter` (rows in FIELDS order), in
    `sort` order (default: creation): REST's lists, their CSV and GraphQL alike."""
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, change_requests.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


def change_request_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.FIELDS}
    body["cost_delta"] = from_minor(body["cost_delta"])
    body["affected_milestone_ids"] = [str(i) for i in body["affected_milestone_ids"]]
    return body


async def visible_change_request(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"change request {object_id}")


async def _check_milestones(
    conn: AsyncConnection, project_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> None:
    """Every affected milestone is one of the project's (422 naming the first that is not)."""
    known = await repo.milestones_of(conn, project_id, ids)
    for i, milestone_id in enumerate(ids):
        if milestone_id not in known:
            raise Invalid.field(
                ["body", "affected_milestone_ids", i],
                f"milestone {milestone_id} is not a milestone of this project",
                "milestone_unknown",
            )


def _values(fields: dict[str, Any]) -> dict[str, Any]:
    """The stored values: money in minor units, milestone ids as JSON text."""
    values = dict(fields)
    if values.get("cost_delta") is not None:
        values["cost_delta"] = to_minor(values["cost_delta"])
    if values.get("affected_milestone_ids") is not None:
        values["affected_milestone_ids"] = [str(i) for i in values["affected_milestone_ids"]]
    return values


async def create_change_request(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: ChangeRequestCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    await _check_milestones(conn, project["id"], data.affected_milestone_ids)
    values = {"project_id": project["id"], **_values(data.model_dump()), "state": "draft"}
    new = await insert_row(conn, change_requests, values, actor=principal)
    return await visible_change_request(conn, principal, new)


async def update_change_request(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: ChangeRequestPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await child_to_write(conn, principal, object_id, visible_change_request, precondition)
    rules.check_editable(current["state"])
    changes = patch.changes()
    if changes.get("affected_milestone_ids") is not None:
        await _check_milestones(conn, current["project_id"], changes["affected_milestone_ids"])
    return await update_child(
        conn, principal, change_requests, current, _values(changes), visible_change_request
    )


async def delete_change_request(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_change_request, precondition)
    rules.check_deletable(current["state"])
    await _unlink_issues(conn, principal, object_id)
    await delete_row(conn, change_requests, current, actor=principal)


async def _unlink_issues(conn: AsyncConnection, principal: Principal, object_id: uuid.UUID) -> None:
    """The issue that raised the change request no longer names it: an audited write of the
    issue, as deleting an issue clears its risk's link."""
    stmt = select(raid_issues).where(raid_issues.c.change_request_id == object_id)
    for issue in (await conn.execute(stmt)).mappings().all():  # at most one
        await update_row(conn, raid_issues, issue, {"change_request_id": None}, actor=principal)


def _approval_only(data: TransitionIn) -> None:
    """The approval's options, given to another transition, are a 422 naming them."""
    for name in ("budget_period", "budget_category"):
        if getattr(data, name) is not None:
            raise Invalid.field(["body", name], "only an approval takes it", "approval_only")
    if data.rebaseline:
        raise Invalid.field(["body", "rebaseline"], "only an approval takes it", "approval_only")


async def transition_change_request(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    data: TransitionIn,
    precondition: Precondition,
) -> RowMapping:
    """Move the request to `data.to` (409 when its state does not lead there). Approving
    writes its effects in this transaction (approval.approve): a failure leaves nothing."""
    current = await child_to_write(conn, principal, object_id, visible_change_request, precondition)
    to = ChangeState(data.to)
    rules.check_transition(current["state"], to)
    now = utcnow()
    changes: dict[str, Any] = {"state": to.value}
    if data.note is not None:
        changes["decision_note"] = data.note
    if to != ChangeState.APPROVED:
        _approval_only(data)
    if to == ChangeState.SUBMITTED:
        changes["submitted_at"] = now
    elif to in (ChangeState.APPROVED, ChangeState.REJECTED):
        changes |= {"decided_at": now, "decided_by": principal.name or principal.key_id}
    elif to == ChangeState.IMPLEMENTED:
        changes["implemented_at"] = now
    if to == ChangeState.APPROVED:
        changes |= await approval.approve(conn, principal, current, data)
    await update_row(conn, change_requests, current, changes, actor=principal)
    return await visible_change_request(conn, principal, object_id)
