"""REST endpoints for action items: per project and across projects."""

from __future__ import annotations

from fastapi import APIRouter

from pmo_api.actions import repository as repo
from pmo_api.actions import service
from pmo_api.actions.schemas import (
    ActionItemCreate,
    ActionItemFeedParams,
    ActionItemListParams,
    ActionItemOut,
    ActionItemPage,
    ActionItemPatch,
)
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile, ResourceRoutes

router = APIRouter(tags=["action-items"])

ACTION_ITEMS_CSV = CsvFile(repo.FIELDS, "action-items.csv")

action_lists = ListRoutes(
    router, ActionItemPage, service.list_action_items, service.action_item_json, ACTION_ITEMS_CSV
)


@action_lists.route("/api/v1/action-items", "action-items-list")
def list_action_items(params: ActionItemFeedParams) -> service.ActionItemFilter:
    """Action items across the projects the caller may see. Filter by `portfolio_id`,
    `project` (id or code), `status`, `source`, `owner`, `overdue` (still to do and due before
    today, UTC: an item due today is not overdue), `due_before`, `q`, `updated_since`; CSV
    streams every matching row."""
    return service.ActionItemFilter.of(params)


@action_lists.route("/api/v1/projects/{project}/action-items", "project-action-items-list")
def list_project_action_items(
    params: ActionItemListParams, project: str
) -> service.ActionItemFilter:
    """The project's action items; CSV on request."""
    return service.ActionItemFilter.of(params, project=project)


action_item = ResourceRoutes(
    router, "/api/v1/action-items/{action_item_id}", ActionItemOut, service.action_item_json
)
action_item.create(
    "/api/v1/projects/{project}/action-items",
    service.create_action_item,
    ActionItemCreate,
    """Add an action item to a project (editor). `completed_on` is set when its status is
    `done`. Honours `Idempotency-Key`.""",
)
action_item.get(service.visible_action_item, "One action item. Honours `If-None-Match`.")
action_item.update(
    service.update_action_item,
    ActionItemPatch,
    """JSON Merge Patch of an action item (editor); `source` and `source_id` are fixed.
    Becoming `done` sets `completed_on` to today (UTC), leaving `done` clears it. Honours
    `If-Match`.""",
)
action_item.delete(
    service.delete_action_item, "Remove an action item (editor). Honours `If-Match`."
)
