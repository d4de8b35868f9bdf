"""GraphQL for projects: the roots (queries and mutations) and their inputs, over the same
services as REST. The `Project` type is graphql/types/project.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery
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
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created
from pmo_api.graphql.relay import (
    Connection,
    PageInfo,
    connection,
    count_of,
    page_size,
    parse_id,
)
from pmo_api.graphql.types.health_report import HealthStatus
from pmo_api.graphql.types.portfolio_projects import project_rows
from pmo_api.graphql.types.project import EvMethod, Project, ProjectStatus
from pmo_api.projects import repository, service
from pmo_api.projects.schemas import ProjectCreate, ProjectPatch


@strawberry.input
class ProjectFilter:
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    status: list[ProjectStatus] | None = None
    priority: list[int] | None = None
    code: list[str] | None = None
    manager: list[str] | None = None
    health: list[HealthStatus] | None = strawberry.field(
        default=None,
        description="Only projects of this health (OR). Health is computed, not stored: a "
        "page may read many projects to find its matches.",
    )
    q: str | None = None
    updated_since: datetime | None = None


@strawberry.input
class ProjectCreateInput:
    code: str
    portfolio_id: strawberry.ID
    program_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The programme of its portfolio it belongs to; moving the project to "
        "another portfolio clears it unless the same patch names one of the new portfolio.",
    )
    name: str
    description: str | None = None
    objectives: list[str] | None = strawberry.UNSET
    scope: str | None = None
    deliverables: list[str] | None = strawberry.UNSET
    constraints: list[str] | None = strawberry.UNSET
    sponsor: str | None = None
    manager: str | None = None
    priority: int | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    start_date: date | None = None
    finish_date: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    budget: float | None = strawberry.UNSET
    ev_method: EvMethod | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


@patch_of(ProjectCreateInput)
class ProjectPatchInput:
    """ProjectCreateInput's fields, each optional."""


ProjectResult = Annotated[
    Project
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("ProjectResult"),
]


async def _none() -> int:
    return 0


@strawberry.type
class ProjectQuery:
    @strawberry.field(description="A project by `id` or by `code`.")
    async def project(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> Project | None:
        ref = id if id is not None else code
        if ref is None:
            return None
        async with info.context.db.read() as conn:
            row = await repository.get(conn, info.context.principal, str(ref))
        return None if row is None else Project.from_row(row)

    @strawberry.field
    async def projects(
        self,
        info: Info,
        filter: ProjectFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Project]:
        f = filter or ProjectFilter()
        query = ListQuery(page_size(first), after, None, f.q, f.updated_since)
        portfolio_ids = [p for p in map(parse_id, f.portfolio_id or []) if p is not None]
        program_ids = [p for p in map(parse_id, f.program_id or []) if p is not None]
        # only ids that cannot exist: nothing matches
        if (f.portfolio_id and not portfolio_ids) or (f.program_id and not program_ids):
            return Connection(
                edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None), count=_none
            )
        wanted = service.ProjectFilter(
            portfolio_ids=portfolio_ids,
            program_ids=program_ids,
            status=[s.value for s in f.status or []],
            priority=f.priority or [],
            code=f.code or [],
            manager=f.manager or [],
            health=[h.value for h in f.health or []],
        )
        ctx = info.context
        rows, next_cursor = await project_rows(info, wanted, query)

        async def count() -> int:
            return await count_of(ctx.db, service.matching_projects(ctx.principal, wanted, query))()

        sort = repository.sort_of(query)
        return connection(rows, next_cursor, sort, Project.from_row, count)


@strawberry.type
class ProjectMutation:
    @strawberry.mutation
    async def create_project(self, info: Info, input: ProjectCreateInput) -> ProjectResult:
        return await created(info, ProjectCreate, input, service.create_project, Project.from_row)

    @strawberry.mutation(description="Merge-patch a project named by id or code.")
    async def update_project(
        self,
        info: Info,
        project: str,
        patch: ProjectPatchInput,
        expected_version: int | None = None,
    ) -> ProjectResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Project:
            data = parse_input(ProjectPatch, unset_removed(patch), at="patch")
            row = await service.update_project(
                conn,
                principal=ctx.principal,
                object_id=project,
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return Project.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_project(
        self, info: Info, project: str, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            row = await service.visible_project(conn, ctx.principal, project)
            await service.delete_project(
                conn,
                principal=ctx.principal,
                object_id=project,
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=strawberry.ID(str(row["id"])))

        return await run_mutation(ctx.db, work)
