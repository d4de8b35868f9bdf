"""`PortfolioSummary` and the blocks only it holds (ProjectCounts with ProjectStatusCounts and
HealthCounts, DueMilestone): `portfolio.summary(asOf)`, from the same function as
GET /api/v1/portfolios/{id}/summary. A heavy aggregate (it reads every project of the
portfolio): resolved per portfolio, and counted as such by the query cost limit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Self

import strawberry

from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.types.evm_rollup import EvmRollup
from pmo_api.graphql.types.milestone import Milestone
from pmo_api.graphql.types.risk import Risk
from pmo_api.portfolio_views.summary import DUE_SHOWN, TOP_RISKS, portfolio_summary


@strawberry.type
class ProjectStatusCounts:
    proposed: int
    approved: int
    active: int
    on_hold: int
    completed: int
    cancelled: int


@strawberry.type
class HealthCounts:
    green: int
    amber: int
    red: int


@strawberry.type
class ProjectCounts:
    total: int
    by_status: ProjectStatusCounts
    by_health: HealthCounts


@strawberry.type(description="A milestone coming due, with its project's code.")
class DueMilestone(Milestone):
    project_code: str


@strawberry.type(
    description="What a PMO puts on its first page for a portfolio, as of a date: projects "
    "counted by status and health, budget and actual totals, the earned-value rollup, the "
    "highest open risks and the milestones coming due."
)
class PortfolioSummary:
    portfolio_id: strawberry.ID
    as_of: date
    currency: str
    projects: ProjectCounts
    budget_total: float = strawberry.field(description="Sum of the projects' BAC.")
    actual_total: float = strawberry.field(description="Sum of their actual cost as of asOf.")
    evm: EvmRollup = strawberry.field(description="The earned-value rollup, as portfolio.evm.")
    top_risks: list[Risk] = strawberry.field(
        description="The ten highest open risks (score, then expected value).",
        metadata=bounded(TOP_RISKS),
    )
    milestones_due: list[DueMilestone] = strawberry.field(
        description="Milestones not completed and due within 30 days after asOf, soonest first "
        "(at most 100).",
        metadata=bounded(DUE_SHOWN),
    )
    milestones_due_count: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any], **given: Any) -> Self:
        """`given`: a subclass's own fields (a programme's summary: its `program_id`)."""
        counts = body["projects"]
        return cls(
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            as_of=body["as_of"],
            currency=body["currency"],
            projects=ProjectCounts(
                total=counts["total"],
                by_status=ProjectStatusCounts(**counts["by_status"]),
                by_health=HealthCounts(**counts["by_health"]),
            ),
            budget_total=body["budget_total"],
            actual_total=body["actual_total"],
            evm=EvmRollup(**body["evm"]),
            top_risks=[Risk.from_body(risk) for risk in body["top_risks"]],
            milestones_due=[from_body(DueMilestone, m) for m in body["milestones_due"]],
            milestones_due_count=body["milestones_due_count"],
            **given,
        )


async def summary_of(info: Info, portfolio_id: uuid.UUID, as_of: date | None) -> PortfolioSummary:
    ctx = info.context
    body = await portfolio_summary(ctx.db, ctx.principal, portfolio_id, as_of, ctx.settings)
    return PortfolioSummary.from_body(body)
