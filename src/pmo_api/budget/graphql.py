"""GraphQL for the budget baseline and costs: the root queries, the mutations and their inputs,
over the same services as REST. The types are in graphql/types/ (budget_line.py, baseline.py,
cost_entry.py, recorded_cost.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.budget import repository as repo
from pmo_api.budget import service
from pmo_api.budget.models import budget_lines
from pmo_api.budget.schemas import (
    BaselinePut,
    CostCreate,
    CostPatch,
)
from pmo_api.core.errors import Invalid
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery, fetch_page, query_timestamp
from pmo_api.core.money import from_minor
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
from pmo_api.graphql.relay import (
    Connection,
    PageInfo,
    connection,
    page_size,
    parse_id,
    require_id,
)
from pmo_api.graphql.types.baseline import Baseline
from pmo_api.graphql.types.budget_line import BudgetLine
from pmo_api.graphql.types.cost_entry import CostEntry
from pmo_api.graphql.types.recorded_cost import RecordedCost
from pmo_api.projects import repository as project_repo


@strawberry.input(description="As the filters of GET /api/v1/costs; several values are an OR.")
class CostFilter:
    portfolio_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    category: list[str] | None = None
    from_: date | None = strawberry.field(
        default=None, name="from", description="incurredOn from (inclusive)."
    )
    to: date | None = strawberry.field(default=None, description="incurredOn to (inclusive).")
    q: str | None = None
    updated_since: datetime | None = None


def _empty() -> Connection[CostEntry]:
    return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))


@strawberry.type
class BudgetQuery:
    @strawberry.field
    async def cost(self, info: Info, id: strawberry.ID) -> CostEntry | None:
        cost_id = parse_id(id)
        if cost_id is None:
            return None
        ctx = info.context
        async with ctx.db.read() as conn:
            row = await repo.get_cost(conn, ctx.principal, cost_id)
        return None if row is None else CostEntry.from_row(row)

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
        ctx = info.context
        query = ListQuery(
            page_size(first), after, None, f.q, query_timestamp(f.updated_since, "updatedSince")
        )
        portfolio_ids = [p for p in map(parse_id, f.portfolio_id or []) if p is not None]
        project_ids: list[uuid.UUID] = []
        project_codes: list[str] = []
        for ref in f.project or []:
            parsed = project_repo.parse_ref(ref)
            if isinstance(parsed, uuid.UUID):
                project_ids.append(parsed)
            elif parsed is not None:
                project_codes.append(parsed)
        if (f.portfolio_id and not portfolio_ids) or (
            f.project and not (project_ids or project_codes)
        ):
            return _empty()  # only references that cannot exist: nothing matches
        stmt = repo.filter_costs(
            repo.costs_of(ctx.principal),
            query,
            category=f.category or [],
            from_=f.from_,
            to=f.to,
            portfolio_id=portfolio_ids,
            project_ids=project_ids,
            project_codes=project_codes,
        )
        sort = repo.cost_sort(query)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(conn, stmt, sort, query)
        return connection(rows, next_cursor, sort, CostEntry.from_row)


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


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class CostPatchInput:
    incurred_on: date | None = strawberry.UNSET
    amount: float | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    external_ref: str | None = strawberry.UNSET


_Errors = (
    ValidationFailed | NotFoundError | ConflictError | ForbiddenError | PreconditionFailedError
)


BaselineResult = Annotated[Baseline | _Errors, strawberry.union("BaselineResult")]
RecordCostResult = Annotated[RecordedCost | _Errors, strawberry.union("RecordCostResult")]
CostResult = Annotated[CostEntry | _Errors, strawberry.union("CostResult")]


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
                owner, number = await service.put_baseline(
                    conn,
                    principal=ctx.principal,
                    ref=project,
                    data=data,
                    precondition=Precondition.of_version(expected_baseline),
                )
            except Invalid as exc:
                raise _lines_located(exc) from None
            stmt = repo.lines_of(owner["id"], number).order_by(
                budget_lines.c.period, budget_lines.c.category
            )
            rows = (await conn.execute(stmt)).mappings().all()
            return Baseline(
                project_id=strawberry.ID(str(owner["id"])),
                number=number,
                bac=from_minor(owner["budget"]) or 0.0,
                currency=owner["currency"],
                lines=[BudgetLine.from_row(row) for row in rows],
            )

        return await run_mutation(ctx.db, work, argument="lines")

    @strawberry.mutation(
        description="Record an actual cost; with an externalRef the project already has, that "
        "entry is updated instead (created: false), so an import sent twice never duplicates."
    )
    async def record_cost(
        self, info: Info, project: str, input: CostCreateInput
    ) -> RecordCostResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> RecordedCost:
            data = parse_input(CostCreate, unset_removed(input), at="input")
            row, created = await service.record_cost(
                conn, principal=ctx.principal, ref=project, data=data
            )
            return RecordedCost(cost=CostEntry.from_row(row), created=created)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation
    async def update_cost(
        self,
        info: Info,
        id: strawberry.ID,
        patch: CostPatchInput,
        expected_version: int | None = None,
    ) -> CostResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> CostEntry:
            data = parse_input(CostPatch, unset_removed(patch), at="patch")
            row = await service.update_cost(
                conn,
                principal=ctx.principal,
                cost_id=require_id(id, "cost entry"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return CostEntry.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_cost(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_cost(
                conn,
                principal=ctx.principal,
                cost_id=require_id(id, "cost entry"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)
