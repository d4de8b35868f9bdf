"""The rollups of a programme over its projects (`ProgramEvm`, `ProgramSummary`,
`ProgramHealth` with `ProgramProjectHealth`, `ProgramRiskMatrix`): each is the portfolio's
type with the programme's id, made from the body REST answers with (programs/rollups.py),
never computed here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Self

import strawberry

from pmo_api.core.listing import MAX_LIMIT
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import page_size
from pmo_api.graphql.types.health_report import HealthReport, HealthStatus
from pmo_api.graphql.types.portfolio_evm import PortfolioEvm
from pmo_api.graphql.types.portfolio_summary import PortfolioSummary
from pmo_api.graphql.types.risk_matrix import RiskMatrix
from pmo_api.programs import rollups


@strawberry.type(
    description="A programme's earned value: the rollup (sums of its projects' BAC, PV, EV and "
    "AC, every index computed from those sums, never averaged) and one row per project."
)
class ProgramEvm(PortfolioEvm):
    program_id: strawberry.ID


@strawberry.type(description="The portfolio summary over a programme's projects.")
class ProgramSummary(PortfolioSummary):
    program_id: strawberry.ID

    @classmethod
    def from_body(cls, body: Mapping[str, Any], **given: Any) -> Self:
        return super().from_body(body, program_id=strawberry.ID(str(body["program_id"])), **given)


@strawberry.type(
    description="Open risks (status OPEN or MITIGATING) of a programme's projects in the 5 x 5 "
    "probability x impact grid, and their total expected value."
)
class ProgramRiskMatrix(RiskMatrix):
    program_id: strawberry.ID


@strawberry.type(description="A project of a programme with its own health verdict.")
class ProgramProjectHealth(HealthReport):
    project_id: strawberry.ID
    code: str


@strawberry.type(
    description="A programme's health as of today: the worst of its projects' in flight."
)
class ProgramHealth:
    program_id: strawberry.ID
    portfolio_id: strawberry.ID
    as_of: date
    health: HealthStatus | None = strawberry.field(
        description="The worst health among its projects in flight; null when none is."
    )
    decided_by: list[str] = strawberry.field(
        description="Codes of the projects whose health this is."
    )
    rows: strawberry.Private[list[ProgramProjectHealth]]

    @strawberry.field(
        description="Each live project of the programme with its own verdict, in code order: "
        "the first `first` (at most 500)."
    )
    def projects(self, first: int = MAX_LIMIT) -> list[ProgramProjectHealth]:
        return self.rows[: page_size(first)]

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ProgramHealth:
        as_of = body["as_of"]
        return cls(
            program_id=strawberry.ID(str(body["program_id"])),
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            as_of=as_of,
            health=None if body["health"] is None else HealthStatus(body["health"]),
            decided_by=list(body["decided_by"]),
            rows=[
                ProgramProjectHealth.of_body(
                    row,
                    as_of,
                    project_id=strawberry.ID(str(row["project_id"])),
                    code=row["code"],
                )
                for row in body["projects"]
            ],
        )


async def program_evm_of(info: Info, program_id: uuid.UUID, as_of: date | None) -> ProgramEvm:
    """`program.evm(asOf)`: what GET /api/v1/programs/{id}/evm answers."""
    ctx = info.context
    body = await rollups.program_evm(ctx.db, ctx.principal, program_id, as_of)
    return ProgramEvm.from_body(body)


async def program_summary_of(
    info: Info, program_id: uuid.UUID, as_of: date | None
) -> ProgramSummary:
    """`program.summary(asOf)`: what GET /api/v1/programs/{id}/summary answers."""
    ctx = info.context
    body = await rollups.program_summary(ctx.db, ctx.principal, program_id, as_of, ctx.settings)
    return ProgramSummary.from_body(body)


async def program_health_of(info: Info, program_id: uuid.UUID) -> ProgramHealth | None:
    """`program.healthReport`, through a DataLoader (programs/rollups.programs_health)."""
    body = await info.context.loaders.health_by_program.load(program_id)
    return None if body is None else ProgramHealth.from_body(body)


async def program_risk_matrix_of(info: Info, program_id: uuid.UUID) -> ProgramRiskMatrix | None:
    """`program.riskMatrix`, through a DataLoader (programs/rollups.program_risk_matrices)."""
    body = await info.context.loaders.risk_matrix_by_program.load(program_id)
    return None if body is None else ProgramRiskMatrix.from_body(body)
