"""The `Assumption` type (the assumption log's), its enums, and `project.assumptions`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from pmo_api.assumptions import service
from pmo_api.assumptions.models import AssumptionStatus as AssumptionStatus
from pmo_api.assumptions.models import Confidence as Confidence
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, list_query

strawberry.enum(AssumptionStatus)
strawberry.enum(Confidence)


@strawberry.type
class Assumption(FromBody, body_of=service.assumption_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    statement: str
    owner: str | None
    confidence: Confidence
    validate_by: date | None
    status: AssumptionStatus
    risk_id: strawberry.ID | None = strawberry.field(description="The risk it raised.")
    issue_id: strawberry.ID | None = strawberry.field(description="The issue it raised.")
    created_at: datetime
    updated_at: datetime
    version: int


async def assumptions_of(
    info: Info, project_id: uuid.UUID, first: int, after: str | None
) -> Connection[Assumption]:
    """`project.assumptions`: the first page through a batched loader, a later one alone."""
    pages = info.context.loaders.assumptions_by_project
    return await pages.connection(
        project_id, service.AssumptionFilter(), list_query(first, after), Assumption.from_row
    )
