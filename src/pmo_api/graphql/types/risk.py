"""The `Risk` type, its enums (the risk register's own StrEnums), and `project.risks`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.relay import Connection, list_query
from pmo_api.risks import service
from pmo_api.risks.models import RiskResponse as RiskResponse
from pmo_api.risks.models import RiskSeverity as RiskSeverity
from pmo_api.risks.models import RiskStatus as RiskStatus
from pmo_api.risks.schemas import RiskListParams

# The GraphQL enums are the domain's own StrEnums, registered here: GraphQL code imports them
# from this module (the re-exports above), so they are registered before they are used.
strawberry.enum(RiskStatus)
strawberry.enum(
    RiskSeverity, description="From the score: 1-4 LOW, 5-9 MEDIUM, 10-16 HIGH, 20-25 CRITICAL."
)
strawberry.enum(RiskResponse)


@strawberry.type
class Risk(FromBody, body_of=service.risk_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    title: str
    description: str | None
    category: str | None
    probability: int = strawberry.field(description="1 to 5.")
    impact: int = strawberry.field(description="1 to 5.")
    score: int = strawberry.field(description="probability x impact")
    severity: RiskSeverity
    cost_impact: float | None
    expected_value: float | None = strawberry.field(
        description="costImpact x the probability's weight (1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, "
        "5: 0.9), rounded to cents; null without a cost impact."
    )
    currency: str
    response: RiskResponse | None
    mitigation_plan: str | None
    contingency_plan: str | None
    owner: str | None
    status: RiskStatus = strawberry.field(
        description="OPEN and MITIGATING risks are open (they count in the matrix and health)."
    )
    review_date: date | None
    trigger: str | None
    issue_id: strawberry.ID | None = strawberry.field(
        description="The issue this risk became when it occurred."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Risk:
        """From a risk as REST shows it (service.risk_json)."""
        return from_body(cls, body)


@strawberry.input(description="As the filters of REST's risk lists; several values are an OR.")
class RiskFilter:
    status: list[RiskStatus] | None = None
    severity: list[RiskSeverity] | None = None
    category: list[str] | None = None
    owner: list[str] | None = None
    min_score: int | None = strawberry.field(default=None, description="score >= this (1-25).")
    q: str | None = strawberry.field(default=None, description="Text search in title, description.")
    updated_since: datetime | None = None


def wanted_of(f: RiskFilter | None) -> service.RiskFilter:
    """The service's filter, checked by REST's own parameter model (ranges, lengths, NULs)."""
    f = f or RiskFilter()
    given = {
        "status": [s.value for s in f.status or []],
        "severity": [s.value for s in f.severity or []],
        "category": f.category or [],
        "owner": f.owner or [],
        "min_score": f.min_score,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        RiskListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return service.RiskFilter.of(params, since_at="updatedSince")


async def risks_of(
    info: Info, project_id: uuid.UUID, f: RiskFilter | None, first: int, after: str | None
) -> Connection[Risk]:
    """`project.risks`: the first page through a DataLoader, a later one (one project at a
    time) as REST pages it."""
    query = list_query(first, after)
    wanted = wanted_of(f)
    pages = info.context.loaders.risks_by_project
    return await pages.connection(project_id, wanted, query, Risk.from_row)
