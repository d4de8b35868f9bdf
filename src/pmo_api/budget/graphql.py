"""GraphQL for the budget baseline and costs: the root queries, the mutations and their inputs,
over the same services as REST. The types are in graphql/types/ (budget_line.py, baseline.py,
cost_entry.py, recorded_cost.py)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.budget import repository as repo
from pmo_api.budget import service
from pmo_api.budget.schemas import (
    BaselinePut,
    CostCreate,
    CostPatch,
)
from pmo_api.core.errors import Invalid
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import query_timestamp
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import (
    AnyUserError,
    parse_input,
    run_mutation,
    unset_removed,
)
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import (
    Connection,
    list_query,
    parse_ids,
)
from pmo_api.graphql.types.baseline import Baseline
from pmo_api.graphql.types.cost_entry import CostEntry
from pmo_api.graphql.types.recorded_cost import RecordedCost


@strawberry.input(description="As the filters of GET /api/v1/costs; several values are an OR.")
class CostFilter:
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    category: list[str] | None = None
    from_: date | None = strawberry.field(
        default=None, name="from", description="incurredOn from (inclusive)."
    )
    to: date | None = strawberry.field(default=None, description="incurredOn to (inclusive).")
    q: str | None = None
    updated_since: datetime | None = None


@strawberry.type
class BudgetQuery:
    @strawberry.field
    async def cost(self, info: Info, id: strawberry.ID) -> CostEntry | None:
        return await one_by_id(info, id, repo.get_cost, CostEntry.from_row)

    @strawberry.field(
        description="Cost entries across the projects the caller may see (the BI feed of "
        "GET /api/v1/costs), in creation order."
    )
    async def costs(
        self,
        info: Info,
        filter: CostFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[CostEntry]:
        f = filter or CostFilter()
        query = list_query(first, after)
        wanted = service.CostFilter(
            portfolio_ids=parse_ids(f.portfolio_id),
            program_ids=parse_ids(f.program_id),
            projects=f.project or (),
            category=f.category or (),
            from_=f.from_,
            to=f.to,
            q=f.q,
            updated_since=query_timestamp(f.updated_since, "updatedSince"),
        )
        return await page_of(info, service.list_costs, wanted, query, CostEntry.from_row)


@strawberry.input
class BudgetLineInput:
    period: str = strawberry.field(description="A month, `YYYY-MM`.")
    category: str | None = strawberry.field(
        default=strawberry.UNSET, description="Default: general."
    )
    amount: float


@strawberry.input
class CostCreateInput:
    incurred_on: date
    amount: float
    category: str | None = None
    description: str | None = None
    external_ref: str | None = None


@patch_of(CostCreateInput)
class CostPatchInput:
    """CostCreateInput's fields, each optional."""


BaselineResult = Annotated[Baseline | AnyUserError, strawberry.union("BaselineResult")]
RecordCostResult = Annotated[RecordedCost | AnyUserError, strawberry.union("RecordCostResult")]
CostResult = Annotated[CostEntry | AnyUserError, strawberry.union("CostResult")]


def _lines_located(exc: Invalid) -> Invalid:
    """`lines` is an argument of its own: the body's `["body", "lines", 0, …]` is `["lines", …]`."""
    errors = [
        {**e, "loc": e["loc"][1:] if e["loc"][:1] == ["body"] else e["loc"]}
        for e in exc.errors or []
    ]
    return Invalid(exc.detail, errors=errors)


@strawberry.type
class BudgetMutation:
    @strawberry.mutation(
        description="Re-baseline: the lines replace the project's whole current baseline, as "
        "baseline N+1 (the replaced one stays readable with budgetLines(baseline: N)); the "
        "project's budget (BAC) becomes their sum. expectedBaseline plays the part of If-Match."
    )
    async def replace_budget_lines(
        self,
        info: Info,
        project: str,
        lines: list[BudgetLineInput],
        expected_baseline: int | None = None,
    ) -> BaselineResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Baseline:
            try:
                data = parse_input(
                    BaselinePut, {"lines": [unset_removed(line) for line in lines]}, at="body"
                )
                body = await service.put_baseline(
                    conn,
                    principal=ctx.principal,
                    ref=project,
                    data=data,
                    precondition=Precondition.of_version(expected_baseline),
                )
            except Invalid as exc:
                raise _lines_located(exc) from None
            return Baseline.from_body(body)

        return await run_mutation(ctx.db, work, argument="lines")

    @strawberry.mutation(
        description="Record an actual cost; with an externalRef the project already has, that "
        "entry is updated instead (created: false), so an import sent twice never duplicates."
    )
    async def record_cost(
        self, info: Info, project: str, input: CostCreateInput
    ) -> RecordCostResult:
        record = partial(service.record_cost, ref=project)
        return await created(info, CostCreate, input, record, RecordedCost.from_result)

    update_cost = update_mutation(
        "cost entry",
        CostPatchInput,
        CostPatch,
        service.update_cost,
        CostEntry.from_row,
        CostResult,
    )

    delete_cost = delete_mutation("cost entry", service.delete_cost)
