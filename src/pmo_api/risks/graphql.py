"""GraphQL for the risk register: the root queries, their filters and inputs, and the
mutations, over the same services as REST. The types are in graphql/types/risk.py and
graphql/types/risk_matrix.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial
from typing import Annotated

import strawberry

from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids
from pmo_api.graphql.types.risk import Risk, RiskFilter, RiskResponse, RiskStatus, wanted_of
from pmo_api.risks import repository as repo
from pmo_api.risks import service
from pmo_api.risks.schemas import RiskCreate, RiskPatch

# --- root queries ---------------------------------------------------------------------------------


@strawberry.input(description="RiskFilter, and which portfolios and projects (ids or codes).")
class RiskFeedFilter(RiskFilter):
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


@strawberry.type
class RiskQuery:
    @strawberry.field
    async def risk(self, info: Info, id: strawberry.ID) -> Risk | None:
        return await one_by_id(info, id, repo.get, Risk.from_row)

    @strawberry.field(
        description="Risks across the projects the caller may see (GET /api/v1/risks), in "
        "creation order."
    )
    async def risks(
        self,
        info: Info,
        filter: RiskFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Risk]:
        f = filter or RiskFeedFilter()
        wanted = replace(
            wanted_of(f),
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
        )
        query = list_query(first, after)
        return await page_of(info, service.list_risks, wanted, query, Risk.from_row)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class RiskCreateInput:
    title: str
    description: str | None = None
    category: str | None = None
    probability: int = strawberry.field(description="1 to 5.")
    impact: int = strawberry.field(description="1 to 5.")
    cost_impact: float | None = None
    response: RiskResponse | None = None
    mitigation_plan: str | None = None
    contingency_plan: str | None = None
    owner: str | None = None
    status: RiskStatus | None = strawberry.field(default=strawberry.UNSET, description="OPEN.")
    review_date: date | None = None
    trigger: str | None = None


@patch_of(RiskCreateInput)
class RiskPatchInput:
    """RiskCreateInput's fields, each optional."""


RiskResult = Annotated[Risk | AnyUserError, strawberry.union("RiskResult")]


@strawberry.type
class RiskMutation:
    @strawberry.mutation(
        description="Add a risk to a project named by id or code (editor); score, severity and "
        "expectedValue are derived."
    )
    async def create_risk(self, info: Info, project: str, input: RiskCreateInput) -> RiskResult:
        create = partial(service.create_risk, ref=project)
        return await created(info, RiskCreate, input, create, Risk.from_row)

    update_risk = update_mutation(
        "risk",
        RiskPatchInput,
        RiskPatch,
        service.update_risk,
        Risk.from_row,
        RiskResult,
        description="Merge-patch a risk (editor); the derived fields follow.",
    )
    delete_risk = delete_mutation(
        "risk", service.delete_risk, description="Remove a risk (editor)."
    )
