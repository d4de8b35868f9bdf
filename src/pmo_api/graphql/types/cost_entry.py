"""`CostEntry`, and `project.costs` (a connection)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from pmo_api.budget import service
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, list_query


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
    pages = info.context.loaders.costs_by_project
    return await pages.connection(project_id, service.CostFilter(), query, CostEntry.from_row)
