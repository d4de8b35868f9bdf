"""GraphQL for portfolios: the type, its queries and mutations, over the same services as REST."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
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
from pmo_api.graphql.limits import assumed_cost
from pmo_api.graphql.relay import (
    Connection,
    connection,
    list_query,
    page_size,
    parse_id,
    require_id,
)
from pmo_api.graphql.types import risk_matrix as risks
from pmo_api.graphql.types.portfolio_evm import PortfolioEvm, portfolio_evm_of
from pmo_api.graphql.types.risk_matrix import RiskMatrix
from pmo_api.portfolio_views import graphql as views
from pmo_api.portfolio_views.graphql import PortfolioSummary
from pmo_api.portfolios import repository, service
from pmo_api.portfolios.schemas import PortfolioCreate, PortfolioPatch

if TYPE_CHECKING:
    from pmo_api.projects.graphql import Project

# A summary reads every project of its portfolio (one statement, then a pure function per
# project): a query asking for many portfolios' summaries is counted as heavy.
SUMMARY_COST = 200


@strawberry.type
class Portfolio:
    id: strawberry.ID
    name: str
    description: str | None
    currency: str
    owner: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: RowMapping) -> Portfolio:
        return cls(
            id=strawberry.ID(str(row["id"])),
            name=row["name"],
            description=row["description"],
            currency=row["currency"],
            owner=row["owner"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    @strawberry.field(description="The portfolio's first projects, in creation order.")
    async def projects(
        self, info: Info, first: int = 50
    ) -> list[Annotated[Project, strawberry.lazy("pmo_api.projects.graphql")]]:
        from pmo_api.projects.graphql import Project

        portfolio_id = parse_id(self.id)
        assert portfolio_id is not None
        rows = await info.context.loaders.projects_by_portfolio.load(
            (portfolio_id, page_size(first))
        )
        return [Project.from_row(row) for row in rows]

    @strawberry.field(
        description="Its earned value as of asOf (default today): the rollup (sums of the "
        "projects' BAC, PV, EV and AC, every index computed from those sums) and one row per "
        "project."
    )
    async def evm(self, info: Info, as_of: date | None = None) -> PortfolioEvm:
        portfolio_id = parse_id(self.id)
        assert portfolio_id is not None
        return await portfolio_evm_of(info, portfolio_id, as_of)

    @strawberry.field(
        description="Its open risks (status OPEN or MITIGATING) counted in the 5 x 5 "
        "probability x impact grid, and their total expected value."
    )
    async def risk_matrix(self, info: Info) -> RiskMatrix:
        portfolio_id = parse_id(self.id)
        assert portfolio_id is not None
        return await risks.risk_matrix_of(info, portfolio_id, self.currency)

    @strawberry.field(
        description="Its summary as of asOf (default today), as GET /portfolios/{id}/summary: "
        "projects by status and health, budget and actual totals, the earned-value rollup, the "
        "ten highest open risks and the milestones due in the next 30 days. It reads every "
        "project of the portfolio: the query cost limit counts it as 200 fields.",
        metadata=assumed_cost(SUMMARY_COST),
    )
    async def summary(self, info: Info, as_of: date | None = None) -> PortfolioSummary:
        portfolio_id = parse_id(self.id)
        assert portfolio_id is not None
        return await views.summary_of(info, portfolio_id, as_of)


@strawberry.input
class PortfolioCreateInput:
    name: str
    description: str | None = None
    currency: str = "USD"
    owner: str | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class PortfolioPatchInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET


PortfolioResult = Annotated[
    Portfolio
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("PortfolioResult"),
]


@strawberry.type
class PortfolioQuery:
    @strawberry.field
    async def portfolio(self, info: Info, id: strawberry.ID) -> Portfolio | None:
        portfolio_id = parse_id(id)
        if portfolio_id is None:
            return None
        row = await info.context.loaders.portfolio_by_id.load(portfolio_id)
        return None if row is None else Portfolio.from_row(row)

    @strawberry.field
    async def portfolios(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Portfolio]:
        query = list_query(first, after)
        async with info.context.db.read() as conn:
            rows, next_cursor = await repository.page(conn, info.context.principal, query)
        return connection(rows, next_cursor, repository.sort_of(query), Portfolio.from_row)


@strawberry.type
class PortfolioMutation:
    @strawberry.mutation
    async def create_portfolio(self, info: Info, input: PortfolioCreateInput) -> PortfolioResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Portfolio:
            data = parse_input(PortfolioCreate, unset_removed(input), at="input")
            row = await service.create_portfolio(conn, principal=ctx.principal, data=data)
            return Portfolio.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation
    async def update_portfolio(
        self,
        info: Info,
        id: strawberry.ID,
        patch: PortfolioPatchInput,
        expected_version: int | None = None,
    ) -> PortfolioResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Portfolio:
            data = parse_input(PortfolioPatch, unset_removed(patch), at="patch")
            row = await service.update_portfolio(
                conn,
                principal=ctx.principal,
                portfolio_id=require_id(id, "portfolio"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return Portfolio.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_portfolio(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_portfolio(
                conn,
                principal=ctx.principal,
                portfolio_id=require_id(id, "portfolio"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)
