"""GraphQL for status reports: the type, `project.statusReports` (through a DataLoader), the root
query and the mutations (publish included), over the same services as REST."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.scalars import JSON

from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery, fetch_page
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
from pmo_api.graphql.loaders.status_reports_by_project import DEFAULT_SORT, reports_of
from pmo_api.graphql.relay import Connection, connection, page_size, parse_id, require_id
from pmo_api.kpis.graphql import Rag
from pmo_api.reports import service
from pmo_api.reports.schemas import ReportCreate, ReportPatch

# --- types --------------------------------------------------------------------------------------


@strawberry.enum
class ReportState(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


def _rag(value: str | None) -> Rag | None:
    return None if value is None else Rag(value)


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
            overall=_rag(body["overall"]),
            schedule=_rag(body["schedule"]),
            cost=_rag(body["cost"]),
            scope=_rag(body["scope"]),
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


# --- fields under Project -----------------------------------------------------------------------


async def status_reports_of(
    info: Info,
    project_id: uuid.UUID,
    state: list[ReportState] | None,
    first: int,
    after: str | None,
) -> Connection[StatusReport]:
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


# --- root query ---------------------------------------------------------------------------------


@strawberry.type
class ReportQuery:
    @strawberry.field
    async def status_report(self, info: Info, id: strawberry.ID) -> StatusReport | None:
        report_id = parse_id(id)
        if report_id is None:
            return None
        ctx = info.context
        stmt = service.visible_reports(ctx.principal).where(service.reports.c.id == report_id)
        async with ctx.db.read() as conn:
            row = (await conn.execute(stmt)).mappings().one_or_none()
        return None if row is None else StatusReport.from_row(row)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class StatusReportCreateInput:
    period_end: date
    overall: Rag | None = None
    schedule: Rag | None = None
    cost: Rag | None = None
    scope: Rag | None = None
    summary: str | None = None
    accomplishments: str | None = None
    issues: str | None = None
    next_steps: str | None = None
    recommendations: str | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class StatusReportPatchInput:
    period_end: date | None = strawberry.UNSET
    overall: Rag | None = strawberry.UNSET
    schedule: Rag | None = strawberry.UNSET
    cost: Rag | None = strawberry.UNSET
    scope: Rag | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    accomplishments: str | None = strawberry.UNSET
    issues: str | None = strawberry.UNSET
    next_steps: str | None = strawberry.UNSET
    recommendations: str | None = strawberry.UNSET


StatusReportResult = Annotated[
    StatusReport
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("StatusReportResult"),
]


@strawberry.type
class ReportMutation:
    @strawberry.mutation(description="Start a draft status report for a project (id or code).")
    async def create_status_report(
        self, info: Info, project: str, input: StatusReportCreateInput
    ) -> StatusReportResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> StatusReport:
            data = parse_input(ReportCreate, unset_removed(input), at="input")
            row = await service.create_report(conn, principal=ctx.principal, ref=project, data=data)
            return StatusReport.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(
        description="Merge-patch a draft (editor); a published report is immutable (ConflictError)."
    )
    async def update_status_report(
        self,
        info: Info,
        id: strawberry.ID,
        patch: StatusReportPatchInput,
        expected_version: int | None = None,
    ) -> StatusReportResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> StatusReport:
            data = parse_input(ReportPatch, unset_removed(patch), at="patch")
            row = await service.update_report(
                conn,
                principal=ctx.principal,
                report_id=require_id(id, "status report"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return StatusReport.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation(description="Remove a draft (editor); a published report stays.")
    async def delete_status_report(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_report(
                conn,
                principal=ctx.principal,
                report_id=require_id(id, "status report"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(
        description="Publish a draft (editor): its snapshot freezes the project's earned value "
        "and KPI values as of periodEnd, and the report becomes immutable (publishing again is "
        "a ConflictError)."
    )
    async def publish_status_report(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> StatusReportResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> StatusReport:
            row = await service.publish_report(
                conn,
                principal=ctx.principal,
                report_id=require_id(id, "status report"),
                precondition=Precondition.of_version(expected_version),
                settings=ctx.settings,
            )
            return StatusReport.from_row(row)

        return await run_mutation(ctx.db, work)
