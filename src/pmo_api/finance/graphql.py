"""GraphQL for milestones, the budget baseline, costs, progress and earned value: the types,
the fields nested under projects and portfolios (through DataLoaders), the root queries and the
mutations, over the same services as REST."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.errors import Invalid
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery, fetch_page, query_timestamp
from pmo_api.core.money import from_minor
from pmo_api.finance import earned_value, service
from pmo_api.finance import repository as repo
from pmo_api.finance.aggregates import budget_lines, cost_entries
from pmo_api.finance.schemas import (
    BaselinePut,
    CostCreate,
    CostPatch,
    MilestoneCreate,
    MilestonePatch,
    ProgressCreate,
    ProgressPatch,
)
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
from pmo_api.graphql.limits import assumed_rows
from pmo_api.graphql.loaders.costs_by_project import DEFAULT_SORT as COST_ORDER
from pmo_api.graphql.loaders.evm_points import EvmKey
from pmo_api.graphql.relay import (
    Connection,
    PageInfo,
    connection,
    page_size,
    parse_id,
    require_id,
)
from pmo_api.projects import repository as project_repo

if TYPE_CHECKING:
    from pmo_api.projects.graphql import ProjectStatus

# --- types --------------------------------------------------------------------------------------


@strawberry.enum
class MilestoneStatus(enum.Enum):
    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    COMPLETED = "completed"


@strawberry.enum
class EvmInterval(enum.Enum):
    MONTH = "month"
    WEEK = "week"


@strawberry.enum
class CostVarianceGroup(enum.Enum):
    CATEGORY = "category"
    MONTH = "month"


@strawberry.type
class Milestone:
    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    description: str | None
    due_date: date = strawberry.field(description="The baseline date.")
    forecast_date: date | None
    completed_on: date | None
    weight: float = strawberry.field(description="Against its siblings, for earned value (> 0).")
    is_gate: bool = strawberry.field(description="A stage gate that needs a decision.")
    status: MilestoneStatus = strawberry.field(
        description="COMPLETED when completedOn is set, OVERDUE when not and dueDate is before "
        "today, else UPCOMING."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Milestone:
        body = service.milestone_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            name=body["name"],
            description=body["description"],
            due_date=body["due_date"],
            forecast_date=body["forecast_date"],
            completed_on=body["completed_on"],
            weight=body["weight"],
            is_gate=body["is_gate"],
            status=MilestoneStatus(body["status"]),
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.type
class BudgetLine:
    id: strawberry.ID
    project_id: strawberry.ID
    baseline: int = strawberry.field(description="The number of the baseline it belongs to.")
    period: str = strawberry.field(description="A month, `YYYY-MM`.")
    category: str
    amount: float
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> BudgetLine:
        body = service.budget_line_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            baseline=body["baseline"],
            period=body["period"],
            category=body["category"],
            amount=body["amount"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.type(description="A budget baseline: its number, its total (the BAC) and its lines.")
class Baseline:
    project_id: strawberry.ID
    number: int = strawberry.field(description="1 for the first, one more per re-baseline.")
    bac: float = strawberry.field(description="The sum of the lines: the project's budget.")
    currency: str
    lines: list[BudgetLine] = strawberry.field(metadata=assumed_rows(36))


@strawberry.type
class CostEntry:
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    incurred_on: date
    amount: float = strawberry.field(description="Negative for a credit.")
    currency: str
    category: str | None
    description: str | None
    external_ref: str | None = strawberry.field(
        description="Unique within the project: recording it again updates this entry."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> CostEntry:
        body = service.cost_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            project_code=body["project_code"],
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            incurred_on=body["incurred_on"],
            amount=body["amount"],
            currency=body["currency"],
            category=body["category"],
            description=body["description"],
            external_ref=body["external_ref"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.type
class RecordedCost:
    cost: CostEntry
    created: bool = strawberry.field(
        description="false when the project already had the externalRef: that entry was updated."
    )


@strawberry.type
class ProgressRecord:
    id: strawberry.ID
    project_id: strawberry.ID
    as_of: date
    percent_complete: float
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> ProgressRecord:
        body = service.progress_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            as_of=body["as_of"],
            percent_complete=body["percent_complete"],
            note=body["note"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.interface(
    description="Earned-value figures (CONTRACT §4): money with 2 decimals, ratios and percents "
    "with 4; null where a division by zero leaves a figure undefined."
)
class EarnedValue:
    bac: float
    pv: float
    ev: float
    ac: float
    cv: float
    sv: float
    cv_percent: float | None
    sv_percent: float | None
    cpi: float | None
    spi: float | None
    eac: float | None
    eac_atypical: float
    eac_composite: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None
    percent_complete: float | None
    percent_spent: float | None


_FIGURES = (
    "bac",
    "pv",
    "ev",
    "ac",
    "cv",
    "sv",
    "cv_percent",
    "sv_percent",
    "cpi",
    "spi",
    "eac",
    "eac_atypical",
    "eac_composite",
    "etc",
    "vac",
    "tcpi",
    "percent_complete",
    "percent_spent",
)


def _figures(body: Mapping[str, Any]) -> dict[str, Any]:
    return {name: body[name] for name in _FIGURES}


@strawberry.type(description="A project's earned value as of a date, with earned schedule.")
class EvmFigures(EarnedValue):
    as_of: date
    at_days: int | None = strawberry.field(description="Days from startDate to asOf (day 1).")
    es_days: float | None = strawberry.field(description="Earned schedule, in days.")
    spi_t: float | None
    sv_t_days: float | None
    forecast_finish: date | None

    @classmethod
    def from_point(cls, point: Mapping[str, Any]) -> EvmFigures:
        return cls(
            **_figures(point),
            as_of=point["as_of"],
            at_days=point["at_days"],
            es_days=point["es_days"],
            spi_t=point["spi_t"],
            sv_t_days=point["sv_t_days"],
            forecast_finish=point["forecast_finish"],
        )


@strawberry.type(
    description="Sums of the projects' BAC, PV, EV and AC, every index computed from those sums."
)
class EvmRollup(EarnedValue):
    pass


@strawberry.type
class PortfolioEvmProject(EarnedValue):
    project_id: strawberry.ID
    code: str
    name: str
    status: Annotated[ProjectStatus, strawberry.lazy("pmo_api.projects.graphql")]


@strawberry.type
class PortfolioEvm:
    portfolio_id: strawberry.ID
    as_of: date
    currency: str
    rollup: EvmRollup
    projects: list[PortfolioEvmProject] = strawberry.field(metadata=assumed_rows(50))

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> PortfolioEvm:
        from pmo_api.projects.graphql import ProjectStatus

        return cls(
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            as_of=body["as_of"],
            currency=body["currency"],
            rollup=EvmRollup(**_figures(body["rollup"])),
            projects=[
                PortfolioEvmProject(
                    **_figures(row),
                    project_id=strawberry.ID(str(row["project_id"])),
                    code=row["code"],
                    name=row["name"],
                    status=ProjectStatus(row["status"]),
                )
                for row in body["projects"]
            ],
        )


@strawberry.type
class CostVarianceRow:
    key: str | None = strawberry.field(
        description="The category or month (`YYYY-MM`); null for planned value without a "
        "baseline category, and for costs without a category."
    )
    planned: float
    actual: float
    variance: float = strawberry.field(description="planned - actual")
    variance_percent: float | None


# --- fields under Project and Portfolio ---------------------------------------------------------


async def milestones_of(info: Info, project_id: uuid.UUID) -> list[Milestone]:
    rows = await info.context.loaders.milestones_by_project.load(project_id)
    return [Milestone.from_row(row) for row in rows]


async def costs_of(
    info: Info, project_id: uuid.UUID, first: int, after: str | None
) -> Connection[CostEntry]:
    size = page_size(first)
    rows: Sequence[Any]
    if after is None:
        rows, more = await info.context.loaders.costs_by_project.load((project_id, size))
        next_cursor = COST_ORDER.cursor_for(rows[-1]) if more else None
    else:  # a later page: one project at a time, exactly as REST pages it
        ctx = info.context
        stmt = repo.costs_of(ctx.principal).where(cost_entries.c.project_id == project_id)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(
                conn, stmt, COST_ORDER, ListQuery(size, after, None, None, None)
            )
    return connection(rows, next_cursor, COST_ORDER, CostEntry.from_row)


async def budget_lines_of(
    info: Info, project_id: uuid.UUID, baseline: int | None
) -> list[BudgetLine]:
    rows = await info.context.loaders.budget_lines_by_project.load((project_id, baseline))
    return [BudgetLine.from_row(row) for row in rows]


async def baseline_of(info: Info, project_id: uuid.UUID) -> int:
    return await info.context.loaders.baseline_by_project.load(project_id)


async def progress_of(info: Info, project_id: uuid.UUID) -> list[ProgressRecord]:
    rows = await info.context.loaders.progress_by_project.load(project_id)
    return [ProgressRecord.from_row(row) for row in rows]


async def evm_of(
    info: Info, project_id: uuid.UUID, plan: tuple[date | None, date | None], as_of: date | None
) -> EvmFigures:
    key = EvmKey(project_id, *plan, as_of or service.today())
    return EvmFigures.from_point(await info.context.loaders.evm_points.load(key))


async def evm_series_of(
    info: Info,
    project_id: uuid.UUID,
    plan: tuple[date | None, date | None],
    first: date | None,
    last: date | None,
    interval: EvmInterval,
) -> list[EvmFigures]:
    dates = earned_value.series_dates(plan, first, last, interval.value, at=())
    keys = [EvmKey(project_id, *plan, t) for t in dates]
    points = await info.context.loaders.evm_points.load_many(keys)
    return [EvmFigures.from_point(point) for point in points]


async def cost_variance_of(
    info: Info, project_id: uuid.UUID, as_of: date | None, group_by: CostVarianceGroup
) -> list[CostVarianceRow]:
    ctx = info.context
    async with ctx.db.read() as conn:
        body = await earned_value.cost_variance(
            conn, ctx.principal, str(project_id), as_of=as_of, group_by=group_by.value
        )
    return [CostVarianceRow(**row) for row in body["data"]]


async def portfolio_evm_of(info: Info, portfolio_id: uuid.UUID, as_of: date | None) -> PortfolioEvm:
    ctx = info.context
    found = await earned_value.portfolio_evm(ctx.db, ctx.principal, portfolio_id, as_of)
    return PortfolioEvm.from_body(found.body())


# --- root queries -------------------------------------------------------------------------------


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
class FinanceQuery:
    @strawberry.field
    async def milestone(self, info: Info, id: strawberry.ID) -> Milestone | None:
        milestone_id = parse_id(id)
        if milestone_id is None:
            return None
        ctx = info.context
        async with ctx.db.read() as conn:
            row = await repo.get_milestone(conn, ctx.principal, milestone_id, service.today())
        return None if row is None else Milestone.from_row(row)

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


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class MilestoneCreateInput:
    name: str
    description: str | None = None
    due_date: date
    forecast_date: date | None = None
    completed_on: date | None = None
    weight: float | None = strawberry.UNSET
    is_gate: bool | None = strawberry.UNSET


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class MilestonePatchInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    forecast_date: date | None = strawberry.UNSET
    completed_on: date | None = strawberry.UNSET
    weight: float | None = strawberry.UNSET
    is_gate: bool | None = strawberry.UNSET


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


@strawberry.input
class ProgressCreateInput:
    as_of: date
    percent_complete: float
    note: str | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class ProgressPatchInput:
    as_of: date | None = strawberry.UNSET
    percent_complete: float | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


_Errors = (
    ValidationFailed | NotFoundError | ConflictError | ForbiddenError | PreconditionFailedError
)

MilestoneResult = Annotated[Milestone | _Errors, strawberry.union("MilestoneResult")]
BaselineResult = Annotated[Baseline | _Errors, strawberry.union("BaselineResult")]
RecordCostResult = Annotated[RecordedCost | _Errors, strawberry.union("RecordCostResult")]
CostResult = Annotated[CostEntry | _Errors, strawberry.union("CostResult")]
ProgressResult = Annotated[ProgressRecord | _Errors, strawberry.union("ProgressResult")]


def _lines_located(exc: Invalid) -> Invalid:
    """`lines` is an argument of its own: the body's `["body", "lines", 0, …]` is `["lines", …]`."""
    errors = [
        {**e, "loc": e["loc"][1:] if e["loc"][:1] == ["body"] else e["loc"]}
        for e in exc.errors or []
    ]
    return Invalid(exc.detail, errors=errors)


@strawberry.type
class FinanceMutation:
    @strawberry.mutation(description="Add a milestone to a project named by id or code.")
    async def create_milestone(
        self, info: Info, project: str, input: MilestoneCreateInput
    ) -> MilestoneResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Milestone:
            data = parse_input(MilestoneCreate, unset_removed(input), at="input")
            row = await service.create_milestone(
                conn, principal=ctx.principal, ref=project, data=data
            )
            return Milestone.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(description="Merge-patch a milestone; set completedOn to complete it.")
    async def update_milestone(
        self,
        info: Info,
        id: strawberry.ID,
        patch: MilestonePatchInput,
        expected_version: int | None = None,
    ) -> MilestoneResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Milestone:
            data = parse_input(MilestonePatch, unset_removed(patch), at="patch")
            row = await service.update_milestone(
                conn,
                principal=ctx.principal,
                milestone_id=require_id(id, "milestone"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return Milestone.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_milestone(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_milestone(
                conn,
                principal=ctx.principal,
                milestone_id=require_id(id, "milestone"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)

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

    @strawberry.mutation(description="Record progress as of a date; one record per date.")
    async def create_progress(
        self, info: Info, project: str, input: ProgressCreateInput
    ) -> ProgressResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> ProgressRecord:
            data = parse_input(ProgressCreate, unset_removed(input), at="input")
            row = await service.create_progress(
                conn, principal=ctx.principal, ref=project, data=data
            )
            return ProgressRecord.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation
    async def update_progress(
        self,
        info: Info,
        id: strawberry.ID,
        patch: ProgressPatchInput,
        expected_version: int | None = None,
    ) -> ProgressResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> ProgressRecord:
            data = parse_input(ProgressPatch, unset_removed(patch), at="patch")
            row = await service.update_progress(
                conn,
                principal=ctx.principal,
                progress_id=require_id(id, "progress record"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return ProgressRecord.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_progress(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_progress(
                conn,
                principal=ctx.principal,
                progress_id=require_id(id, "progress record"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)
