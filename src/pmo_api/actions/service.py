"""Rules for action items. Services receive the transaction and never commit.

Other domains (gate reviews, quality reviews, change requests) make their action items through
`create_action_item` inside their own transaction, naming the `source` and `source_id`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.actions import repository as repo
from pmo_api.actions.models import ActionSource, ActionStatus, action_items
from pmo_api.actions.schemas import ActionItemCreate, ActionItemListParams, ActionItemPatch
from pmo_api.core.clock import today
from pmo_api.core.crud import delete_row, insert_row
from pmo_api.core.errors import found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.evm import aggregates
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project


@dataclass(frozen=True)
class ActionItemFilter:
    """The filters of the action item lists: the feed (every project the caller may see) and
    one project's list (`project`). Several values of one filter are an OR. Hashable: it is
    part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()  # ids or codes; naming nothing that can exist, no rows
    status: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    overdue: bool | None = None
    due_before: date | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: ActionItemListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> ActionItemFilter:
        """From the parameters REST validates (GraphQL validates its filter with them too)."""
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_action_items(
    conn: AsyncConnection,
    principal: Principal,
    filter: ActionItemFilter,
    *,
    sort: str | None = None,
) -> Listing:
    """The action items the caller may see that match `filter` (rows in FIELDS order), in
    `sort` order (default: creation): the feed, a project's list, their CSV and GraphQL's
    `actionItems` and `project.actionItems` alike."""
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, action_items.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


def action_item_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.FIELDS}
    body["overdue"] = bool(body["overdue"])
    return body


async def visible_action_item(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"action item {object_id}")


def _completion(values: dict[str, Any], current: Mapping[Any, Any] | None) -> dict[str, Any]:
    """`completed_on` follows the status: today when it becomes done, cleared when it leaves."""
    status = values.get("status", current["status"] if current else ActionStatus.OPEN)
    was_done = current is not None and current["status"] == ActionStatus.DONE
    if status == ActionStatus.DONE and not was_done:
        return {**values, "completed_on": today()}
    if status != ActionStatus.DONE and (current is None or was_done):
        return {**values, "completed_on": None}
    return values


async def create_action_item(
    conn: AsyncConnection,
    *,
    principal: Principal,
    ref: str | uuid.UUID,
    data: ActionItemCreate,
    source: ActionSource | None = None,
    source_id: uuid.UUID | None = None,
) -> RowMapping:
    """A new action item under the project `ref` (id or code), in the caller's transaction.
    `source` and `source_id`, when given, replace the body's (the call of another domain's
    service: a gate review's condition, a finding's corrective action)."""
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = data.model_dump()
    if source is not None:
        values["source"] = ActionSource(source).value
        values["source_id"] = source_id
    values = _completion({"project_id": project["id"], **values}, None)
    new = await insert_row(conn, action_items, values, actor=principal)
    await aggregates.refresh_actions(conn, [project["id"]])  # health's rule `actions`
    return await visible_action_item(conn, principal, new)


async def update_action_item(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: ActionItemPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await child_to_write(conn, principal, object_id, visible_action_item, precondition)
    changes = _completion(patch.changes(), current)
    return await update_child(
        conn,
        principal,
        action_items,
        current,
        changes,
        visible_action_item,
        refresh=aggregates.refresh_actions,
    )


async def delete_action_item(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_action_item, precondition)
    await delete_row(conn, action_items, current, actor=principal)
    await aggregates.refresh_actions(conn, [current["project_id"]])
