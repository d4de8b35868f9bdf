"""`ProjectCompliance` and `PortfolioCompliance` (with RuleResult and RuleCounts, and the enums
`ComplianceRule`, `ComplianceResult`): `project.compliance(asOf)` and
`portfolio.compliance(asOf)`, from the same service as GET /projects/{project}/compliance and
GET /portfolios/{id}/compliance, batched by DataLoaders (one statement per date asked for)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON

from pmo_api.compliance.models import Result, Rule
from pmo_api.core.clock import today
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.relay import page_size

strawberry.enum(Rule, name="ComplianceRule", description="The PMO's rules (docs/formulas.md).")
strawberry.enum(Result, name="ComplianceResult")


@strawberry.type(description="One rule's result for a project, why, and what proves it.")
class RuleResult:
    rule: Rule
    result: Result
    reason: str
    evidence: JSON = strawberry.field(
        description="The ids and dates that prove the result, as the REST answer gives them."
    )


@strawberry.type(description="A project's compliance with the PMO's rules as of a date.")
class ProjectCompliance:
    project_id: strawberry.ID
    project_code: str
    as_of: date
    share_met: float | None = strawberry.field(
        description="Rules met / rules met or not met (0 to 1); null when no rule applies."
    )
    met: int
    not_met: int
    not_applicable: int
    rules: list[RuleResult] = strawberry.field(
        description="Every rule, in a fixed order.", metadata=bounded(len(Rule))
    )

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ProjectCompliance:
        return cls(
            project_id=strawberry.ID(str(body["project_id"])),
            project_code=body["project_code"],
            as_of=_day(body["as_of"]),
            share_met=body["share_met"],
            met=body["met"],
            not_met=body["not_met"],
            not_applicable=body["not_applicable"],
            rules=[
                RuleResult(
                    rule=Rule(r["rule"]),
                    result=Result(r["result"]),
                    reason=r["reason"],
                    evidence=r["evidence"],
                )
                for r in body["rules"]
            ],
        )


@strawberry.type
class RuleCounts:
    rule: Rule
    met: int
    not_met: int
    not_applicable: int


@strawberry.type(description="Every project's compliance in a portfolio as of a date.")
class PortfolioCompliance:
    portfolio_id: strawberry.ID
    as_of: date
    share_met: float | None = strawberry.field(
        description="Over every project and rule: met / (met + not met)."
    )
    by_rule: list[RuleCounts] = strawberry.field(metadata=bounded(len(Rule)))
    body: strawberry.Private[Mapping[str, Any]]

    @strawberry.field(description="The projects' compliance by project code, the first `first`.")
    def projects(self, first: int = 100) -> list[ProjectCompliance]:
        shown = self.body["projects"][: page_size(first)]
        return [ProjectCompliance.from_body(p.body) for p in shown]

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> PortfolioCompliance:
        return cls(
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            as_of=body["as_of"],
            share_met=body["share_met"],
            by_rule=_counts(body),
            body=body,
        )


@strawberry.type(description="Every project's compliance in a programme as of a date.")
class ProgramCompliance:
    program_id: strawberry.ID
    as_of: date
    share_met: float | None = strawberry.field(
        description="Over every project and rule: met / (met + not met)."
    )
    by_rule: list[RuleCounts] = strawberry.field(metadata=bounded(len(Rule)))
    body: strawberry.Private[Mapping[str, Any]]

    @strawberry.field(description="The projects' compliance by project code, the first `first`.")
    def projects(self, first: int = 100) -> list[ProjectCompliance]:
        shown = self.body["projects"][: page_size(first)]
        return [ProjectCompliance.from_body(p.body) for p in shown]

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ProgramCompliance:
        return cls(
            program_id=strawberry.ID(str(body["program_id"])),
            as_of=body["as_of"],
            share_met=body["share_met"],
            by_rule=_counts(body),
            body=body,
        )


def _counts(body: Mapping[str, Any]) -> list[RuleCounts]:
    return [
        RuleCounts(
            rule=c["rule"], met=c["met"], not_met=c["not_met"], not_applicable=c["not_applicable"]
        )
        for c in body["by_rule"]
    ]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


async def project_compliance_of(
    info: Info, project_id: uuid.UUID, as_of: date | None
) -> ProjectCompliance:
    body = await info.context.loaders.compliance_by_project.load((project_id, as_of or today()))
    return ProjectCompliance.from_body(body)


async def portfolio_compliance_of(
    info: Info, portfolio_id: uuid.UUID, as_of: date | None
) -> PortfolioCompliance:
    key = (portfolio_id, as_of or today())
    return PortfolioCompliance.from_body(
        await info.context.loaders.compliance_by_portfolio.load(key)
    )


async def program_compliance_of(
    info: Info, program_id: uuid.UUID, as_of: date | None
) -> ProgramCompliance:
    key = (program_id, as_of or today())
    return ProgramCompliance.from_body(await info.context.loaders.compliance_by_program.load(key))
