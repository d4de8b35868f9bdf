"""GraphQL for programmes: the roots (queries and mutations) and their inputs, over the same
services as REST. The `Program` type is graphql/types/program.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import page_of
from pmo_api.graphql.relay import Connection, list_query, parse_id, parse_ids, require_id
from pmo_api.graphql.types.program import Program, ProgramStatus
from pmo_api.programs import service
from pmo_api.programs.schemas import ProgramCreate, ProgramPatch


@strawberry.input(description="As the filters of GET /api/v1/programs.")
class ProgramFilter:
    portfolio_id: list[strawberry.ID] | None = None
    status: list[ProgramStatus] | None = None
    manager: list[str] | None = None
    sponsor: list[str] | None = None
    q: str | None = strawberry.field(default=None, description="In name and description.")
    updated_since: datetime | None = None


@strawberry.type
class ProgramQuery:
    @strawberry.field(description="A programme by id; null when the caller cannot see it.")
    async def program(self, info: Info, id: strawberry.ID) -> Program | None:
        program_id = parse_id(id)
        if program_id is None:
            return None
        row = await info.context.loaders.program_by_id.load(program_id)
        return None if row is None else Program.from_row(row)

    @strawberry.field(
        description="Programmes of the portfolios the caller may see (GET /api/v1/programs), "
        "in creation order."
    )
    async def programs(
        self,
        info: Info,
        filter: ProgramFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Program]:
        f = filter or ProgramFilter()
        wanted = service.ProgramFilter(
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            status=tuple(s.value for s in f.status or ()),
            manager=tuple(f.manager or ()),
            sponsor=tuple(f.sponsor or ()),
            q=f.q,
            updated_since=f.updated_since,
        )
        query = list_query(first, after)
        return await page_of(info, service.list_programs, wanted, query, Program.from_row)


@strawberry.input
class ProgramCreateInput:
    name: str
    description: str | None = None
    objectives: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Ids of strategic objectives of the programme's portfolio (each once).",
    )
    sponsor: str | None = None
    manager: str | None = None
    status: ProgramStatus | None = strawberry.field(
        default=strawberry.UNSET, description="PROPOSED."
    )


@patch_of(ProgramCreateInput)
class ProgramPatchInput:
    """ProgramCreateInput's fields, each optional."""


ProgramResult = Annotated[Program | AnyUserError, strawberry.union("ProgramResult")]


@strawberry.type
class ProgramMutation:
    @strawberry.mutation(
        description="Create a programme in a portfolio (editor); `objectives` name strategic "
        "objectives of that portfolio."
    )
    async def create_program(
        self, info: Info, portfolio: strawberry.ID, input: ProgramCreateInput
    ) -> ProgramResult:
        async def create(
            conn: AsyncConnection, *, principal: Principal, data: ProgramCreate
        ) -> RowMapping:
            # Read in the unit of work: a malformed id is the NotFoundError answered.
            portfolio_id = require_id(portfolio, "portfolio")
            return await service.create_program(
                conn, principal=principal, portfolio_id=portfolio_id, data=data
            )

        return await created(info, ProgramCreate, input, create, Program.from_row)

    update_program = update_mutation(
        "program",
        ProgramPatchInput,
        ProgramPatch,
        service.update_program,
        Program.from_row,
        ProgramResult,
        description="Merge-patch a programme (editor).",
    )
    delete_program = delete_mutation(
        "program",
        service.delete_program,
        description="Delete a programme (editor); while projects belong to it, a CONFLICT: "
        "detach them first.",
    )
