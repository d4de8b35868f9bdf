"""GraphQL for action items: the root queries, their filter and inputs, and the mutations, over
the same services as REST. The type is in graphql/types/action_item.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial
from typing import Annotated

import strawberry

from pmo_api.actions import repository as repo
from pmo_api.actions import service
from pmo_api.actions.schemas import ActionItemCreate, ActionItemPatch
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids
from pmo_api.graphql.types.action_item import (
    ActionItem,
    ActionItemFilter,
    ActionSource,
    ActionStatus,
    wanted_of,
)


@strawberry.input(description="ActionItemFilter, and which portfolios and projects (ids or codes).")
class ActionItemFeedFilter(ActionItemFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class ActionItemQuery:
    @strawberry.field
    async def action_item(self, info: Info, id: strawberry.ID) -> ActionItem | None:
        return await one_by_id(info, id, repo.get, ActionItem.from_row)

    @strawberry.field(
        description="Action items across the projects the caller may see "
        "(GET /api/v1/action-items), in creation order."
    )
    async def action_items(
        self,
        info: Info,
        filter: ActionItemFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ActionItem]:
        f = filter or ActionItemFeedFilter()
        wanted = replace(
            wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(info, service.list_action_items, wanted, query, ActionItem.from_row)


@strawberry.input
class ActionItemCreateInput:
    title: str
    description: str | None = None
    owner: str | None = None
    due_date: date | None = None
    status: ActionStatus | None = strawberry.field(default=strawberry.UNSET, description="OPEN.")
    source: ActionSource | None = strawberry.field(default=strawberry.UNSET, description="OTHER.")
    source_id: strawberry.ID | None = None


@patch_of(ActionItemCreateInput, without=("source", "source_id"))
class ActionItemPatchInput:
    """ActionItemCreateInput's fields but source and sourceId, each optional."""


ActionItemResult = Annotated[ActionItem | AnyUserError, strawberry.union("ActionItemResult")]


@strawberry.type
class ActionItemMutation:
    @strawberry.mutation(
        description="Add an action item to a project named by id or code (editor)."
    )
    async def create_action_item(
        self, info: Info, project: str, input: ActionItemCreateInput
    ) -> ActionItemResult:
        create = partial(service.create_action_item, ref=project)
        return await created(info, ActionItemCreate, input, create, ActionItem.from_row)

    update_action_item = update_mutation(
        "action item",
        ActionItemPatchInput,
        ActionItemPatch,
        service.update_action_item,
        ActionItem.from_row,
        ActionItemResult,
        description="Merge-patch an action item (editor); DONE sets completedOn.",
    )
    delete_action_item = delete_mutation(
        "action item", service.delete_action_item, description="Remove an action item (editor)."
    )
