"""GraphQL for milestones and progress: the root query, the mutations and their inputs, over the
same services as REST. The types are in graphql/types/ (milestone.py, progress_record.py)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.clock import today
from pmo_api.core.etags import Precondition
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
from pmo_api.graphql.mutations import created, deleted, updated
from pmo_api.graphql.relay import parse_id, require_id
from pmo_api.graphql.types.milestone import Milestone
from pmo_api.graphql.types.progress_record import ProgressRecord
from pmo_api.schedule import repository as repo
from pmo_api.schedule import service
from pmo_api.schedule.schemas import (
    MilestoneCreate,
    MilestonePatch,
    ProgressCreate,
    ProgressPatch,
)


@strawberry.type
class MilestoneQuery:
    @strawberry.field
    async def milestone(self, info: Info, id: strawberry.ID) -> Milestone | None:
        milestone_id = parse_id(id)
        if milestone_id is None:
            return None
        ctx = info.context
        async with ctx.db.read() as conn:
            row = await repo.get_milestone(conn, ctx.principal, milestone_id, today())
        return None if row is None else Milestone.from_row(row)


@strawberry.input
class MilestoneCreateInput:
    name: str
    description: str | None = None
    due_date: date
    forecast_date: date | None = None
    completed_on: date | None = None
    weight: float | None = strawberry.UNSET
    is_gate: bool | None = strawberry.UNSET


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class MilestonePatchInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    forecast_date: date | None = strawberry.UNSET
    completed_on: date | None = strawberry.UNSET
    weight: float | None = strawberry.UNSET
    is_gate: bool | None = strawberry.UNSET


@strawberry.input
class ProgressCreateInput:
    as_of: date
    percent_complete: float
    note: str | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class ProgressPatchInput:
    as_of: date | None = strawberry.UNSET
    percent_complete: float | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


_Errors = (
    ValidationFailed | NotFoundError | ConflictError | ForbiddenError | PreconditionFailedError
)
MilestoneResult = Annotated[Milestone | _Errors, strawberry.union("MilestoneResult")]
ProgressResult = Annotated[ProgressRecord | _Errors, strawberry.union("ProgressResult")]


@strawberry.type
class MilestoneMutation:
    @strawberry.mutation(description="Add a milestone to a project named by id or code.")
    async def create_milestone(
        self, info: Info, project: str, input: MilestoneCreateInput
    ) -> MilestoneResult:
        create = partial(service.create_milestone, ref=project)
        return await created(info, MilestoneCreate, input, create, Milestone.from_row)

    @strawberry.mutation(description="Merge-patch a milestone; set completedOn to complete it.")
    async def update_milestone(
        self,
        info: Info,
        id: strawberry.ID,
        patch: MilestonePatchInput,
        expected_version: int | None = None,
    ) -> MilestoneResult:
        return await updated(
            info,
            id,
            expected_version,
            "milestone",
            MilestonePatch,
            patch,
            service.update_milestone,
            Milestone.from_row,
        )

    @strawberry.mutation
    async def delete_milestone(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        return await deleted(info, id, expected_version, "milestone", service.delete_milestone)


@strawberry.type
class ProgressMutation:
    @strawberry.mutation(description="Record progress as of a date; one record per date.")
    async def create_progress(
        self, info: Info, project: str, input: ProgressCreateInput
    ) -> ProgressResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> ProgressRecord:
            data = parse_input(ProgressCreate, unset_removed(input), at="input")
            row = await service.create_progress(
                conn, principal=ctx.principal, ref=project, data=data
            )
            return ProgressRecord.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation
    async def update_progress(
        self,
        info: Info,
        id: strawberry.ID,
        patch: ProgressPatchInput,
        expected_version: int | None = None,
    ) -> ProgressResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> ProgressRecord:
            data = parse_input(ProgressPatch, unset_removed(patch), at="patch")
            row = await service.update_progress(
                conn,
                principal=ctx.principal,
                progress_id=require_id(id, "progress record"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return ProgressRecord.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_progress(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_progress(
                conn,
                principal=ctx.principal,
                progress_id=require_id(id, "progress record"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)
