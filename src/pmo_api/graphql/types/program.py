"""`Program` (a programme: related projects of one portfolio) and its enum `ProgramStatus`,
with the fields nested under it (its portfolio, its projects, its rollups), and
`portfolio.programs`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import weighted
from pmo_api.graphql.relay import Connection, list_query, own_id
from pmo_api.graphql.types import program_rollups as rollups
from pmo_api.graphql.types.compliance import ProgramCompliance, program_compliance_of
from pmo_api.graphql.types.health_report import HealthStatus
from pmo_api.graphql.types.portfolio_projects import projects_of
from pmo_api.programs import service
from pmo_api.programs.models import ProgramStatus as ProgramStatus
from pmo_api.projects.models import Grouping

if TYPE_CHECKING:
    from pmo_api.graphql.types.portfolio import Portfolio
    from pmo_api.graphql.types.project import Project

strawberry.enum(ProgramStatus, name="ProgramStatus")

# As a portfolio's summary: it reads every project of the programme.
SUMMARY_COST = 200


@strawberry.type(
    description="A programme: related projects of one portfolio managed together, with the "
    "portfolio's rollups over them."
)
class Program(FromBody, body_of=service.program_json):
    id: strawberry.ID
    portfolio_id: strawberry.ID
    name: str
    description: str | None
    objectives: list[strawberry.ID] = strawberry.field(
        description="Ids of strategic objectives of its portfolio."
    )
    sponsor: str | None
    manager: str | None
    status: ProgramStatus
    currency: str = strawberry.field(description="ISO 4217, its portfolio's.")
    created_at: datetime
    updated_at: datetime
    version: int

    @strawberry.field
    async def portfolio(
        self, info: Info
    ) -> Annotated[Portfolio, strawberry.lazy("pmo_api.graphql.types.portfolio")] | None:
        from pmo_api.graphql.types.portfolio import Portfolio

        row = await info.context.loaders.portfolio_by_id.load(own_id(self.portfolio_id))
        return None if row is None else Portfolio.from_row(row)

    @strawberry.field(
        description="Its projects in creation order, a page at a time (the cursors of the "
        "project list filtered by this programme)."
    )
    async def projects(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Annotated[Project, strawberry.lazy("pmo_api.graphql.types.project")]]:
        from pmo_api.graphql.types.project import Project

        pid = own_id(self.id)
        return await projects_of(info, pid, first, after, Project.from_row, group=Grouping.PROGRAM)

    @strawberry.field(
        description="Its earned value as of asOf (default today), as GET /programs/{id}/evm: "
        "the rollup (sums of its projects' BAC, PV, EV and AC, every index computed from those "
        "sums) and one row per project."
    )
    async def evm(self, info: Info, as_of: date | None = None) -> rollups.ProgramEvm:
        return await rollups.program_evm_of(info, own_id(self.id), as_of)

    @strawberry.field(
        description="Its summary as of asOf (default today), as GET /programs/{id}/summary. It "
        "reads every project of the programme: the query cost limit counts it as 200 fields.",
        metadata=weighted(SUMMARY_COST),
    )
    async def summary(self, info: Info, as_of: date | None = None) -> rollups.ProgramSummary:
        return await rollups.program_summary_of(info, own_id(self.id), as_of)

    @strawberry.field(
        description="Its health as of today: the worst of its projects' in flight (null when "
        "none is). Why: healthReport."
    )
    async def health(self, info: Info) -> HealthStatus | None:
        report = await rollups.program_health_of(info, own_id(self.id))
        return None if report is None else report.health

    @strawberry.field(
        description="Its health as GET /programs/{id}/health: the worst of its projects', "
        "which projects decide it, and each project's verdict rule by rule."
    )
    async def health_report(self, info: Info) -> rollups.ProgramHealth | None:
        return await rollups.program_health_of(info, own_id(self.id))

    @strawberry.field(
        description="Its projects' open risks (status OPEN or MITIGATING) counted in the 5 x 5 "
        "probability x impact grid, and their total expected value."
    )
    async def risk_matrix(self, info: Info) -> rollups.ProgramRiskMatrix | None:
        return await rollups.program_risk_matrix_of(info, own_id(self.id))

    @strawberry.field(
        description="Its projects' compliance with the PMO's rules as of asOf (default today), "
        "as GET /programs/{id}/compliance. It reads every project of the programme: the query "
        "cost limit counts it as 200 fields.",
        metadata=weighted(SUMMARY_COST),
    )
    async def compliance(self, info: Info, as_of: date | None = None) -> ProgramCompliance:
        return await program_compliance_of(info, own_id(self.id), as_of)


async def programs_of(
    info: Info, portfolio_id: uuid.UUID, first: int, after: str | None
) -> Connection[Program]:
    """`portfolio.programs`: the first page through a batched loader, a later one alone."""
    pages = info.context.loaders.programs_by_portfolio
    return await pages.connection(
        portfolio_id, service.ProgramFilter(), list_query(first, after), Program.from_row
    )
