"""The action items of each project (in the order and with the cursors of REST's project list),
filtered as asked, for `project.actionItems`: every first page of a request in one statement
per distinct page size and filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.actions import service
from pmo_api.actions.models import action_items
from pmo_api.actions.repository import ACTION_ORDER
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages


def action_items_by_project(
    db: Database, principal: Principal
) -> OwnerPages[service.ActionItemFilter]:
    return OwnerPages(
        db, principal, service.list_action_items, action_items.c.project_id, ACTION_ORDER
    )
