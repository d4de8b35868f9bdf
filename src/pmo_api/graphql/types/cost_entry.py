"""`CostEntry`, and `project.costs` (a connection)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.budget import repository as repo
from pmo_api.budget import service
from pmo_api.budget.models import cost_entries
from pmo_api.core.listing import ListQuery, fetch_page
from pmo_api.graphql.context import Info
from pmo_api.graphql.loaders.costs_by_project import DEFAULT_SORT as COST_ORDER
from pmo_api.graphql.relay import Connection, connection, page_size


@strawberry.type
class CostEntry:
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

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> CostEntry:
        body = service.cost_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            project_code=body["project_code"],
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            incurred_on=body["incurred_on"],
            amount=body["amount"],
            currency=body["currency"],
            category=body["category"],
            description=body["description"],
            external_ref=body["external_ref"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


async def costs_of(
    info: Info, project_id: uuid.UUID, first: int, after: str | None
) -> Connection[CostEntry]:
    """`project.costs(first, after)`: the first page through its DataLoader."""
    size = page_size(first)
    rows: Sequence[Any]
    if after is None:
        rows, more = await info.context.loaders.costs_by_project.load((project_id, size))
        next_cursor = COST_ORDER.cursor_for(rows[-1]) if more else None
    else:  # a later page: one project at a time, exactly as REST pages it
        ctx = info.context
        stmt = repo.costs_of(ctx.principal).where(cost_entries.c.project_id == project_id)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(
                conn, stmt, COST_ORDER, ListQuery(size, after, None, None, None)
            )
    return connection(rows, next_cursor, COST_ORDER, CostEntry.from_row)
