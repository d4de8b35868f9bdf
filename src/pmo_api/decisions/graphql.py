"""GraphQL for the decision log: the root queries, their filter and inputs, and the mutations,
over the same services as REST. The type is in graphql/types/decision.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.errors import Invalid
from pmo_api.decisions import repository as repo
from pmo_api.decisions import service
from pmo_api.decisions.schemas import DecisionCreate, DecisionPatch
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids, require_id
from pmo_api.graphql.types.decision import Decision, DecisionFilter, DecisionSource, wanted_of


@strawberry.input(
    description="DecisionFilter, and which portfolios (their own decisions and their projects') "
    "and projects (ids or codes)."
)
class DecisionFeedFilter(DecisionFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class DecisionQuery:
    @strawberry.field
    async def decision(self, info: Info, id: strawberry.ID) -> Decision | None:
        return await one_by_id(info, id, repo.get, Decision.from_row)

    @strawberry.field(
        description="Decisions of the projects and portfolios the caller may see "
        "(GET /api/v1/decisions), in creation order; with `portfolio`, that portfolio's own "
        "log only (GET /api/v1/portfolios/{id}/decisions)."
    )
    async def decisions(
        self,
        info: Info,
        filter: DecisionFeedFilter | None = None,
        portfolio: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Decision]:
        f = filter or DecisionFeedFilter()
        owner = parse_ids([portfolio]) if portfolio is not None else []
        wanted = replace(
            wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
            portfolio=owner[0] if owner else None,
        )
        query = list_query(first, after)
        return await page_of(info, service.list_decisions, wanted, query, Decision.from_row)


@strawberry.input
class DecisionCreateInput:
    title: str = strawberry.field(description="The decision.")
    rationale: str | None = None
    alternatives: list[str] | None = strawberry.field(default=strawberry.UNSET)
    decided_by: str | None = None
    decided_on: date | None = strawberry.field(default=None, description="Default: today (UTC).")
    source: DecisionSource | None = strawberry.field(
        default=strawberry.UNSET, description="MEETING or OTHER (the default)."
    )
    source_id: strawberry.ID | None = None
    links: list[str] | None = strawberry.field(default=strawberry.UNSET)


@patch_of(DecisionCreateInput, without=("source", "source_id"))
class DecisionPatchInput:
    """DecisionCreateInput's fields but source and sourceId, each optional."""


DecisionResult = Annotated[Decision | AnyUserError, strawberry.union("DecisionResult")]


@strawberry.type
class DecisionMutation:
    @strawberry.mutation(
        description="Record a decision (editor) of a project (by id or code) or, naming "
        "`portfolio` instead, of a portfolio: exactly one of the two."
    )
    async def create_decision(
        self,
        info: Info,
        input: DecisionCreateInput,
        project: str | None = None,
        portfolio: strawberry.ID | None = None,
    ) -> DecisionResult:
        async def create(
            conn: AsyncConnection, *, principal: Principal, data: DecisionCreate
        ) -> RowMapping:
            # Checked in the unit of work, so that the answer is the union's user error.
            if (project is None) == (portfolio is None):
                raise Invalid.field(
                    ["project"], "name exactly one of project and portfolio", "owner_required"
                )
            if project is not None:
                return await service.create_project_decision(
                    conn, principal=principal, ref=project, data=data
                )
            assert portfolio is not None
            portfolio_id = require_id(portfolio, "portfolio")
            return await service.create_portfolio_decision(
                conn, principal=principal, portfolio_id=portfolio_id, data=data
            )

        return await created(info, DecisionCreate, input, create, Decision.from_row)

    update_decision = update_mutation(
        "decision",
        DecisionPatchInput,
        DecisionPatch,
        service.update_decision,
        Decision.from_row,
        DecisionResult,
        description="Merge-patch a decision (editor); a readOnly entry is a CONFLICT.",
    )
    delete_decision = delete_mutation(
        "decision",
        service.delete_decision,
        description="Remove a decision (editor); a readOnly entry is a CONFLICT.",
    )
