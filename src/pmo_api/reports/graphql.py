"""GraphQL for status reports: the root query, the inputs and the mutations (publish included),
over the same services as REST. The type is in graphql/types/status_report.py."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError, run_mutation
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id
from pmo_api.graphql.relay import require_id
from pmo_api.graphql.types.rag import Rag
from pmo_api.graphql.types.status_report import StatusReport
from pmo_api.reports import repository as repo
from pmo_api.reports import service
from pmo_api.reports.schemas import ReportCreate, ReportPatch

# --- root query ---------------------------------------------------------------------------------


@strawberry.type
class ReportQuery:
    @strawberry.field
    async def status_report(self, info: Info, id: strawberry.ID) -> StatusReport | None:
        return await one_by_id(info, id, repo.get, StatusReport.from_row)


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


@patch_of(StatusReportCreateInput)
class StatusReportPatchInput:
    """StatusReportCreateInput's fields, each optional."""


StatusReportResult = Annotated[StatusReport | AnyUserError, strawberry.union("StatusReportResult")]


@strawberry.type
class ReportMutation:
    @strawberry.mutation(description="Start a draft status report for a project (id or code).")
    async def create_status_report(
        self, info: Info, project: str, input: StatusReportCreateInput
    ) -> StatusReportResult:
        create = partial(service.create_report, ref=project)
        return await created(info, ReportCreate, input, create, StatusReport.from_row)

    update_status_report = update_mutation(
        "status report",
        StatusReportPatchInput,
        ReportPatch,
        service.update_report,
        StatusReport.from_row,
        StatusReportResult,
        description="Merge-patch a draft (editor); a published report is immutable "
        "(ConflictError).",
    )

    delete_status_report = delete_mutation(
        "status report",
        service.delete_report,
        description="Remove a draft (editor); a published report stays.",
    )

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
                object_id=require_id(id, "status report"),
                precondition=Precondition.of_version(expected_version),
                settings=ctx.settings,
            )
            return StatusReport.from_row(row)

        return await run_mutation(ctx.db, work)
