"""The `StatusReport` type, its `ReportState` enum (reports/models.ReportState), and
`project.statusReports`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from pmo_api.core.listing import ListQuery, fetch_page
from pmo_api.graphql.context import Info
from pmo_api.graphql.loaders.status_reports_by_project import DEFAULT_SORT, reports_of
from pmo_api.graphql.relay import Connection, connection, page_size
from pmo_api.graphql.types.rag import Rag, rag_of
from pmo_api.reports import service
from pmo_api.reports.models import ReportState as ReportState

strawberry.enum(ReportState)


@strawberry.type
class StatusReport:
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

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> StatusReport:
        body = service.report_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            period_end=body["period_end"],
            overall=rag_of(body["overall"]),
            schedule=rag_of(body["schedule"]),
            cost=rag_of(body["cost"]),
            scope=rag_of(body["scope"]),
            summary=body["summary"],
            accomplishments=body["accomplishments"],
            issues=body["issues"],
            next_steps=body["next_steps"],
            recommendations=body["recommendations"],
            state=ReportState(body["state"]),
            snapshot=body["snapshot"],
            published_at=body["published_at"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


async def status_reports_of(
    info: Info,
    project_id: uuid.UUID,
    state: list[ReportState] | None,
    first: int,
    after: str | None,
) -> Connection[StatusReport]:
    """`project.statusReports`: the first page through a DataLoader, later ones as REST pages
    them."""
    size = page_size(first)
    states = tuple(sorted({s.value for s in state or []}))
    rows: Sequence[Any]
    if after is None:
        loader = info.context.loaders.status_reports_by_project
        rows, more = await loader.load((project_id, size, states))
        next_cursor = DEFAULT_SORT.cursor_for(rows[-1]) if more else None
    else:  # a later page: one project at a time, exactly as REST pages it
        ctx = info.context
        stmt = reports_of(ctx.principal, states).where(service.reports.c.project_id == project_id)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(
                conn, stmt, DEFAULT_SORT, ListQuery(size, after, None, None, None)
            )
    return connection(rows, next_cursor, DEFAULT_SORT, StatusReport.from_row)
