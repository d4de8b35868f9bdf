"""The `StatusReport` type, its `ReportState` enum (reports/models.ReportState), and
`project.statusReports`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, list_query
from pmo_api.graphql.types.rag import Rag
from pmo_api.reports import service
from pmo_api.reports.models import ReportState as ReportState

strawberry.enum(ReportState)


@strawberry.type
class StatusReport(FromBody, body_of=service.report_json):
    id: strawberry.ID
    project_id: strawberry.ID
    period_end: date
    overall: Rag | None
    schedule: Rag | None
    cost: Rag | None
    scope: Rag | None
    summary: str | None
    accomplishments: str | None
    issues: str | None
    next_steps: str | None
    recommendations: str | None
    state: ReportState = strawberry.field(
        description="A PUBLISHED report is immutable (changes are a ConflictError)."
    )
    snapshot: JSON | None = strawberry.field(
        description="Frozen at publication: the project's earned value and KPI values as of "
        "periodEnd, exactly as REST shows them (snake_case names); null while a draft."
    )
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


async def status_reports_of(
    info: Info,
    project_id: uuid.UUID,
    state: list[ReportState] | None,
    first: int,
    after: str | None,
) -> Connection[StatusReport]:
    """`project.statusReports`: the first page through a DataLoader, a later one (one project
    at a time) as REST pages it."""
    query = list_query(first, after)
    wanted = service.ReportFilter(states=tuple(sorted({s.value for s in state or []})))
    pages = info.context.loaders.status_reports_by_project
    return await pages.connection(project_id, wanted, query, StatusReport.from_row)
