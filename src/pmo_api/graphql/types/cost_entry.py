"""`CostEntry`, and `project.costs` (a connection)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.budget import repository as repo
from pmo_api.budget import service
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, connection, list_query


@strawberry.type
class CostEntry(FromBody, body_of=service.cost_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    incurred_on: date
    amount: float = strawberry.field(description="Negative for a credit.")
    currency: str
    category: str | None
    description: str | None
    external_ref: str | None = strawberry.field(
        description="Unique within the project: recording it again updates this entry."
    )
    created_at: datetime
    updated_at: datetime
    version: int


async def costs_of(
    info: Info, project_id: uuid.UUID, first: int, after: str | None
) -> Connection[CostEntry]:
    """`project.costs(first, after)`: the first page through its DataLoader, a later one (one
    project at a time) as REST pages it."""
    query = list_query(first, after)
    rows: Sequence[Any]
    if after is None:
        loader = info.context.loaders.costs_by_project
        rows, more = await loader.load((project_id, query.limit))
        next_cursor = repo.COST_ORDER.cursor_for(rows[-1]) if more else None
    else:
        ctx = info.context
        wanted = service.CostFilter(project=str(project_id))
        async with ctx.db.read() as conn:
            listing = await service.list_costs(conn, ctx.principal, wanted)
            rows, next_cursor = await listing.page(conn, query)
    return connection(rows, next_cursor, repo.COST_ORDER, CostEntry.from_row)
