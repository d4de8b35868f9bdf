"""The `ActionItem` type, its enums (the domain's own StrEnums), and `project.actionItems`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.actions import service
from pmo_api.actions.models import ActionSource as ActionSource
from pmo_api.actions.models import ActionStatus as ActionStatus
from pmo_api.actions.schemas import ActionItemListParams
from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.relay import Connection, list_query

# The GraphQL enums are the domain's own StrEnums, registered here: GraphQL code imports them
# from this module (the re-exports above), so they are registered before they are used.
strawberry.enum(ActionStatus)
strawberry.enum(ActionSource)


@strawberry.type
class ActionItem(FromBody, body_of=service.action_item_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    title: str
    description: str | None
    owner: str | None
    due_date: date | None
    status: ActionStatus
    source: ActionSource
    source_id: strawberry.ID | None = strawberry.field(
        description="The gate review, finding or change request it comes from, if any."
    )
    completed_on: date | None = strawberry.field(description="The day it became DONE (UTC).")
    overdue: bool = strawberry.field(
        description="OPEN or IN_PROGRESS and due before today (UTC); due today is not overdue."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ActionItem:
        """From an action item as REST shows it (service.action_item_json)."""
        return from_body(cls, body)


@strawberry.input(
    description="As the filters of REST's action item lists; several values are an OR."
)
class ActionItemFilter:
    status: list[ActionStatus] | None = None
    source: list[ActionSource] | None = None
    owner: list[str] | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="true: still to do and due before today (UTC)."
    )
    due_before: date | None = None
    q: str | None = strawberry.field(default=None, description="Text search in title, description.")
    updated_since: datetime | None = None


def wanted_of(f: ActionItemFilter | None) -> service.ActionItemFilter:
    """The service's filter, checked by REST's own parameter model (lengths, NULs)."""
    f = f or ActionItemFilter()
    given = {
        "status": [s.value for s in f.status or []],
        "source": [s.value for s in f.source or []],
        "owner": f.owner or [],
        "overdue": f.overdue,
        "due_before": f.due_before,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        ActionItemListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return service.ActionItemFilter.of(params, since_at="updatedSince")


async def action_items_of(
    info: Info, project_id: uuid.UUID, f: ActionItemFilter | None, first: int, after: str | None
) -> Connection[ActionItem]:
    """`project.actionItems`: the first page through a DataLoader, a later one (one project at
    a time) as REST pages it."""
    query = list_query(first, after)
    wanted = wanted_of(f)
    pages = info.context.loaders.action_items_by_project
    return await pages.connection(project_id, wanted, query, ActionItem.from_row)
