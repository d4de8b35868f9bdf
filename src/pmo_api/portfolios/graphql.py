"""GraphQL for portfolios: the roots (queries and mutations) and their inputs, over the same
services as REST. The `Portfolio` type is graphql/types/portfolio.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    ValidationFailed,
)
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.relay import (
    Connection,
    connection,
    count_of,
    list_query,
    parse_id,
)
from pmo_api.graphql.types.portfolio import Portfolio
from pmo_api.portfolios import repository, service
from pmo_api.portfolios.schemas import PortfolioCreate, PortfolioPatch


@strawberry.input
class PortfolioCreateInput:
    name: str
    description: str | None = None
    currency: str = "USD"
    owner: str | None = None


@patch_of(PortfolioCreateInput)
class PortfolioPatchInput:
    """PortfolioCreateInput's fields, each optional."""


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
        query, ctx = list_query(first, after), info.context
        wanted = service.PortfolioFilter()
        async with ctx.db.read() as conn:
            rows, next_cursor = await service.list_portfolios(conn, ctx.principal, wanted, query)
        count = count_of(ctx.db, service.matching_portfolios(ctx.principal, wanted, query))
        sort = repository.sort_of(query)
        return connection(rows, next_cursor, sort, Portfolio.from_row, count)


@strawberry.type
class PortfolioMutation:
    @strawberry.mutation
    async def create_portfolio(self, info: Info, input: PortfolioCreateInput) -> PortfolioResult:
        return await created(
            info, PortfolioCreate, input, service.create_portfolio, Portfolio.from_row
        )

    update_portfolio = update_mutation(
        "portfolio",
        PortfolioPatchInput,
        PortfolioPatch,
        service.update_portfolio,
        Portfolio.from_row,
        PortfolioResult,
    )

    delete_portfolio = delete_mutation("portfolio", service.delete_portfolio)
