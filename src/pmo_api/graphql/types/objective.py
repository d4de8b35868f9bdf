"""`Objective` (a portfolio's strategic objective), and `portfolio.objectives`."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, connection, count_of, list_query
from pmo_api.portfolios import repository, service


@strawberry.type(description="A strategic objective of a portfolio, weighted against its siblings.")
class Objective(FromBody, body_of=service.objective_json):
    id: strawberry.ID
    portfolio_id: strawberry.ID
    name: str
    description: str | None
    weight: float
    created_at: datetime
    updated_at: datetime
    version: int


async def objectives_of(
    info: Info, portfolio_id: uuid.UUID, first: int, after: str | None
) -> Connection[Objective]:
    """`portfolio.objectives(first, after)`: the page GET /portfolios/{id}/objectives gives."""
    query, ctx = list_query(first, after), info.context
    async with ctx.db.read() as conn:
        rows, next_cursor = await service.list_objectives(conn, ctx.principal, portfolio_id, query)
    count = count_of(ctx.db, service.matching_objectives(portfolio_id, query))
    sort = repository.objective_sort(query)
    return connection(rows, next_cursor, sort, Objective.from_row, count)
