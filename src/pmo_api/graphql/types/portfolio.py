"""`Portfolio`, with the fields nested under it (its projects, programmes, earned value, risk
matrix and summary)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import weighted
from pmo_api.graphql.relay import Connection, own_id
from pmo_api.graphql.types import risk_matrix as risks
from pmo_api.graphql.types.compliance import PortfolioCompliance, portfolio_compliance_of
from pmo_api.graphql.types.objective import Objective, objectives_of
from pmo_api.graphql.types.portfolio_evm import PortfolioEvm, portfolio_evm_of
from pmo_api.graphql.types.portfolio_projects import projects_of
from pmo_api.graphql.types.portfolio_summary import PortfolioSummary, summary_of
from pmo_api.graphql.types.program import Program, programs_of
from pmo_api.graphql.types.risk_matrix import RiskMatrix

if TYPE_CHECKING:
    from pmo_api.graphql.types.project import Project


# A summary reads every project of its portfolio (one statement, then a pure function per
# project): a query asking for many portfolios' summaries is counted as heavy.
SUMMARY_COST = 200


@strawberry.type
class Portfolio(FromBody):
    id: strawberry.ID
    name: str
    description: str | None
    currency: str
    owner: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @strawberry.field(
        description="The portfolio's projects in creation order, a page at a time (the cursors "
        "of the project list filtered by this portfolio)."
    )
    async def projects(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Annotated[Project, strawberry.lazy("pmo_api.graphql.types.project")]]:
        from pmo_api.graphql.types.project import Project

        return await projects_of(info, own_id(self.id), first, after, Project.from_row)

    @strawberry.field(
        description="Its programmes in creation order, a page at a time (the cursors of "
        "GET /portfolios/{id}/programs)."
    )
    async def programs(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Program]:
        return await programs_of(info, own_id(self.id), first, after)

    @strawberry.field(description="Its strategic objectives in creation order, a page at a time.")
    async def objectives(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Objective]:
        return await objectives_of(info, own_id(self.id), first, after)

    @strawberry.field(
        description="Its earned value as of asOf (default today): the rollup (sums of the "
        "projects' BAC, PV, EV and AC, every index computed from those sums) and one row per "
        "project."
    )
    async def evm(self, info: Info, as_of: date | None = None) -> PortfolioEvm:
        return await portfolio_evm_of(info, own_id(self.id), as_of)

    @strawberry.field(
        description="Its open risks (status OPEN or MITIGATING) counted in the 5 x 5 "
        "probability x impact grid, and their total expected value."
    )
    async def risk_matrix(self, info: Info) -> RiskMatrix:
        return await risks.risk_matrix_of(info, own_id(self.id), self.currency)

    @strawberry.field(
        description="Its summary as of asOf (default today), as GET /portfolios/{id}/summary: "
        "projects by status and health, budget and actual totals, the earned-value rollup, the "
        "ten highest open risks and the milestones due in the next 30 days. It reads every "
        "project of the portfolio: the query cost limit counts it as 200 fields.",
        metadata=weighted(SUMMARY_COST),
    )
    async def summary(self, info: Info, as_of: date | None = None) -> PortfolioSummary:
        return await summary_of(info, own_id(self.id), as_of)

    @strawberry.field(
        description="Its projects' compliance with the PMO's rules as of asOf (default today), "
        "as GET /portfolios/{id}/compliance. It reads every project of the portfolio: the query "
        "cost limit counts it as 200 fields.",
        metadata=weighted(SUMMARY_COST),
    )
    async def compliance(self, info: Info, as_of: date | None = None) -> PortfolioCompliance:
        return await portfolio_compliance_of(info, own_id(self.id), as_of)
