"""GraphQL for change requests: the root queries, their filter and inputs, and the mutations
(transitions included), over the same services as REST. The type is in
graphql/types/change_request.py."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.change_requests import repository as repo
from pmo_api.change_requests import service
from pmo_api.change_requests.schemas import ChangeRequestCreate, ChangeRequestPatch, TransitionIn
from pmo_api.core.etags import Precondition
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError, parse_input, run_mutation, unset_removed
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids, require_id
from pmo_api.graphql.types.change_request import (
    ChangeCategory,
    ChangePriority,
    ChangeRequest,
    ChangeRequestFilter,
    ChangeState,
    wanted_of,
)


@strawberry.input(
    description="ChangeRequestFilter, and which portfolios and projects (ids or codes)."
)
class ChangeRequestFeedFilter(ChangeRequestFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class ChangeRequestQuery:
    @strawberry.field
    async def change_request(self, info: Info, id: strawberry.ID) -> ChangeRequest | None:
        return await one_by_id(info, id, repo.get, ChangeRequest.from_row)

    @strawberry.field(
        description="Change requests across the projects the caller may see "
        "(GET /api/v1/change-requests), in creation order."
    )
    async def change_requests(
        self,
        info: Info,
        filter: ChangeRequestFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ChangeRequest]:
        f = filter or ChangeRequestFeedFilter()
        wanted = replace(
            wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(
            info, service.list_change_requests, wanted, query, ChangeRequest.from_row
        )


@strawberry.input
class ChangeRequestCreateInput:
    title: str
    category: ChangeCategory
    justification: str | None = None
    priority: ChangePriority | None = strawberry.field(
        default=strawberry.UNSET, description="MEDIUM."
    )
    requested_by: str | None = None
    cost_delta: float | None = strawberry.field(
        default=strawberry.UNSET, description="In the project's currency; negative: a saving."
    )
    schedule_delta_days: int | None = strawberry.field(default=strawberry.UNSET)
    affected_milestone_ids: list[strawberry.ID] | None = strawberry.field(default=strawberry.UNSET)


@patch_of(ChangeRequestCreateInput)
class ChangeRequestPatchInput:
    """ChangeRequestCreateInput's fields, each optional."""


@strawberry.input(description="A transition: as REST's POST .../transitions body.")
class ChangeRequestTransitionInput:
    to: ChangeState
    note: str | None = None
    rebaseline: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Approving with a cost impact: make a new budget baseline.",
    )
    budget_period: str | None = strawberry.field(
        default=None, description="YYYY-MM the change lands in; default this month."
    )
    budget_category: str | None = strawberry.field(
        default=None, description="Default `change_requests`."
    )


ChangeRequestResult = Annotated[
    ChangeRequest | AnyUserError, strawberry.union("ChangeRequestResult")
]


@strawberry.type
class ChangeRequestMutation:
    @strawberry.mutation(
        description="Raise a change request (a DRAFT) on a project named by id or code (editor)."
    )
    async def create_change_request(
        self, info: Info, project: str, input: ChangeRequestCreateInput
    ) -> ChangeRequestResult:
        create = partial(service.create_change_request, ref=project)
        return await created(info, ChangeRequestCreate, input, create, ChangeRequest.from_row)

    update_change_request = update_mutation(
        "change request",
        ChangeRequestPatchInput,
        ChangeRequestPatch,
        service.update_change_request,
        ChangeRequest.from_row,
        ChangeRequestResult,
        description="Merge-patch a DRAFT change request (editor); another state is a CONFLICT.",
    )
    delete_change_request = delete_mutation(
        "change request",
        service.delete_change_request,
        description="Remove a change request (editor); an APPROVED or IMPLEMENTED one is kept.",
    )

    @strawberry.mutation(
        description="Move a change request to its next state (editor), as POST "
        "/api/v1/change-requests/{id}/transitions: approving writes its re-baseline, moved "
        "forecasts and decision-log entry in the same transaction."
    )
    async def transition_change_request(
        self,
        info: Info,
        id: strawberry.ID,
        input: ChangeRequestTransitionInput,
        expected_version: int | None = None,
    ) -> ChangeRequestResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> ChangeRequest:
            given = unset_removed(input)
            given["to"] = input.to.value
            if given.get("rebaseline") is None:  # null: as absent (false)
                given.pop("rebaseline", None)
            data = parse_input(TransitionIn, given, at="input")
            row = await service.transition_change_request(
                conn,
                principal=ctx.principal,
                object_id=require_id(id, "change request"),
                data=data,
                precondition=Precondition.of_version(expected_version),
            )
            return ChangeRequest.from_row(row)

        return await run_mutation(ctx.db, work, argument="input")
