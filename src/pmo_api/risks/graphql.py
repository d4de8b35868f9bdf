"""GraphQL for the risk register: the root queries, their filters and inputs, and the
mutations, over the same services as REST. The types are in graphql/types/risk.py and
graphql/types/risk_matrix.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.core.listing import fetch_page
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import (
    ConflictError,
    Deleted,
    DeleteResult,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    ValidationFailed,
    parse_input,
    run_mutation,
    unset_removed,
)
from pmo_api.graphql.relay import Connection, PageInfo, connection, page_size, parse_id, require_id
from pmo_api.graphql.types.risk import Risk, RiskFilter, RiskResponse, RiskStatus, filter_key
from pmo_api.projects import repository as project_repo
from pmo_api.risks import repository as repo
from pmo_api.risks import service
from pmo_api.risks.schemas import RiskCreate, RiskPatch

# --- root queries ---------------------------------------------------------------------------------


@strawberry.input(description="RiskFilter, and which portfolios and projects (ids or codes).")
class RiskFeedFilter(RiskFilter):
    portfolio_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


def _empty() -> Connection[Risk]:
    return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))


@strawberry.type
class RiskQuery:
    @strawberry.field
    async def risk(self, info: Info, id: strawberry.ID) -> Risk | None:
        risk_id = parse_id(id)
        if risk_id is None:
            return None
        ctx = info.context
        async with ctx.db.read() as conn:
            row = await repo.get(conn, ctx.principal, risk_id)
        return None if row is None else Risk.from_row(row)

    @strawberry.field(
        description="Risks across the projects the caller may see (GET /api/v1/risks), in "
        "creation order."
    )
    async def risks(
        self,
        info: Info,
        filter: RiskFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Risk]:
        f = filter or RiskFeedFilter()
        filters = filter_key(f)
        query = filters.query(page_size(first), after)
        portfolio_ids = [p for p in map(parse_id, f.portfolio_id or []) if p is not None]
        ids, codes = project_repo.split_refs(f.project or [])
        if (f.portfolio_id and not portfolio_ids) or (f.project and not (ids or codes)):
            return _empty()  # only references that cannot exist: nothing matches
        ctx = info.context
        stmt = repo.filtered(
            repo.presented(ctx.principal),
            query,
            status=filters.status,
            severity=filters.severity,
            category=filters.category,
            owner=filters.owner,
            min_score=filters.min_score,
            portfolio_id=portfolio_ids,
            project_ids=ids,
            project_codes=codes,
        )
        sort = repo.sort_of(query)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(conn, stmt, sort, query)
        return connection(rows, next_cursor, sort, Risk.from_row)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class RiskCreateInput:
    title: str
    description: str | None = None
    category: str | None = None
    probability: int = strawberry.field(description="1 to 5.")
    impact: int = strawberry.field(description="1 to 5.")
    cost_impact: float | None = None
    response: RiskResponse | None = None
    mitigation_plan: str | None = None
    contingency_plan: str | None = None
    owner: str | None = None
    status: RiskStatus | None = strawberry.field(default=strawberry.UNSET, description="OPEN.")
    review_date: date | None = None
    trigger: str | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class RiskPatchInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    probability: int | None = strawberry.UNSET
    impact: int | None = strawberry.UNSET
    cost_impact: float | None = strawberry.UNSET
    response: RiskResponse | None = strawberry.UNSET
    mitigation_plan: str | None = strawberry.UNSET
    contingency_plan: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    status: RiskStatus | None = strawberry.UNSET
    review_date: date | None = strawberry.UNSET
    trigger: str | None = strawberry.UNSET


RiskResult = Annotated[
    Risk
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("RiskResult"),
]


@strawberry.type
class RiskMutation:
    @strawberry.mutation(
        description="Add a risk to a project named by id or code (editor); score, severity and "
        "expectedValue are derived."
    )
    async def create_risk(self, info: Info, project: str, input: RiskCreateInput) -> RiskResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Risk:
            data = parse_input(RiskCreate, unset_removed(input), at="input")
            row = await service.create_risk(conn, principal=ctx.principal, ref=project, data=data)
            return Risk.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(description="Merge-patch a risk (editor); the derived fields follow.")
    async def update_risk(
        self,
        info: Info,
        id: strawberry.ID,
        patch: RiskPatchInput,
        expected_version: int | None = None,
    ) -> RiskResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Risk:
            data = parse_input(RiskPatch, unset_removed(patch), at="patch")
            row = await service.update_risk(
                conn,
                principal=ctx.principal,
                risk_id=require_id(id, "risk"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return Risk.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation(description="Remove a risk (editor).")
    async def delete_risk(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_risk(
                conn,
                principal=ctx.principal,
                risk_id=require_id(id, "risk"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)
