"""GraphQL for the assumption log: root queries and mutations over the REST services. The type
is in graphql/types/assumption.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Annotated

import strawberry
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.assumptions import repository as repo
from pmo_api.assumptions import service
from pmo_api.assumptions.schemas import AssumptionCreate, AssumptionPatch, RaiseBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids, require_id
from pmo_api.graphql.types.assumption import Assumption, AssumptionStatus, Confidence
from pmo_api.graphql.types.issue import IssuePriority


@strawberry.input(description="As the filters of GET /api/v1/assumptions.")
class AssumptionFeedFilter:
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    status: list[AssumptionStatus] | None = None


@strawberry.type
class AssumptionQuery:
    @strawberry.field
    async def assumption(self, info: Info, id: strawberry.ID) -> Assumption | None:
        return await one_by_id(info, id, repo.get, Assumption.from_row)

    @strawberry.field(
        description="Assumptions across the projects the caller may see "
        "(GET /api/v1/assumptions), in creation order."
    )
    async def assumptions(
        self,
        info: Info,
        filter: AssumptionFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Assumption]:
        f = filter or AssumptionFeedFilter()
        wanted = service.AssumptionFilter(
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
            status=tuple(s.value for s in f.status or ()),
        )
        return await page_of(
            info, service.list_assumptions, wanted, list_query(first, after), Assumption.from_row
        )


@strawberry.input
class AssumptionCreateInput:
    statement: str
    owner: str | None = None
    confidence: Confidence | None = strawberry.field(
        default=strawberry.UNSET, description="MEDIUM."
    )
    validate_by: date | None = None
    status: AssumptionStatus | None = strawberry.field(
        default=strawberry.UNSET, description="UNVALIDATED."
    )


@patch_of(AssumptionCreateInput)
class AssumptionPatchInput:
    """AssumptionCreateInput's fields, each optional."""


class RaisedKind(StrEnum):
    RISK = "risk"
    ISSUE = "issue"


strawberry.enum(RaisedKind)


@strawberry.input(description="As the body of POST /api/v1/assumptions/{id}/raise.")
class RaiseInput:
    kind: RaisedKind
    title: str | None = None
    probability: int | None = strawberry.field(default=strawberry.UNSET, description="3.")
    impact: int | None = strawberry.field(default=strawberry.UNSET, description="3.")
    priority: IssuePriority | None = strawberry.field(
        default=strawberry.UNSET, description="MEDIUM."
    )


AssumptionResult = Annotated[Assumption | AnyUserError, strawberry.union("AssumptionResult")]


@strawberry.type
class AssumptionMutation:
    @strawberry.mutation(description="Log an assumption in a project (editor).")
    async def create_assumption(
        self, info: Info, project: str, input: AssumptionCreateInput
    ) -> AssumptionResult:
        create = partial(service.create_assumption, ref=project)
        return await created(info, AssumptionCreate, input, create, Assumption.from_row)

    update_assumption = update_mutation(
        "assumption",
        AssumptionPatchInput,
        AssumptionPatch,
        service.update_assumption,
        Assumption.from_row,
        AssumptionResult,
        description="Merge-patch an assumption (editor).",
    )
    delete_assumption = delete_mutation(
        "assumption", service.delete_assumption, description="Remove an assumption (editor)."
    )

    @strawberry.mutation(
        description="An invalid assumption raises a risk or an issue, linked to it (editor)."
    )
    async def raise_from_assumption(
        self, info: Info, id: strawberry.ID, input: RaiseInput
    ) -> AssumptionResult:
        return await created(info, RaiseBody, input, _raising(id), Assumption.from_row)


def _raising(id: strawberry.ID) -> Callable[..., Awaitable[RowMapping]]:
    """service.raise_from for the assumption `id` names, read inside the unit of work: there a
    malformed ID is the NotFoundError the mutation answers, not a top-level error."""

    async def raise_it(
        conn: AsyncConnection, *, principal: Principal, data: RaiseBody
    ) -> RowMapping:
        assumption_id = require_id(id, "assumption")
        return await service.raise_from(
            conn, principal=principal, assumption_id=assumption_id, data=data
        )

    return raise_it
