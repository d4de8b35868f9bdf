"""GraphQL for projects: the type, its queries and mutations, over the same services as REST."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.clock import today
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery
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
from pmo_api.graphql.limits import assumed_rows
from pmo_api.graphql.relay import Connection, PageInfo, connection, page_size, parse_id
from pmo_api.graphql.types import project_kpi as kpis
from pmo_api.graphql.types import risk as risks
from pmo_api.graphql.types import status_report as reports
from pmo_api.graphql.types.baseline import baseline_of
from pmo_api.graphql.types.budget_line import BudgetLine, budget_lines_of
from pmo_api.graphql.types.cost_entry import CostEntry, costs_of
from pmo_api.graphql.types.cost_variance_row import (
    CostVarianceGroup,
    CostVarianceRow,
    cost_variance_of,
)
from pmo_api.graphql.types.evm_figures import EvmFigures, EvmInterval, evm_of, evm_series_of
from pmo_api.graphql.types.milestone import Milestone, milestones_of
from pmo_api.graphql.types.progress_record import ProgressRecord, progress_of
from pmo_api.graphql.types.project_kpi import ProjectKpi
from pmo_api.graphql.types.risk import Risk, RiskFilter
from pmo_api.graphql.types.status_report import ReportState, StatusReport
from pmo_api.health import service as health_service
from pmo_api.health.graphql import HealthReport, HealthStatus
from pmo_api.health.rules import Thresholds
from pmo_api.projects import repository, service
from pmo_api.projects.schemas import ProjectCreate, ProjectPatch

if TYPE_CHECKING:
    from pmo_api.portfolios.graphql import Portfolio


@strawberry.enum
class ProjectStatus(enum.Enum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@strawberry.enum
class EvMethod(enum.Enum):
    MILESTONES = "milestones"
    PERCENT_COMPLETE = "percent_complete"


@strawberry.type
class Project:
    id: strawberry.ID
    code: str
    portfolio_id: strawberry.ID
    name: str
    description: str | None
    objectives: list[str]
    scope: str | None
    deliverables: list[str]
    constraints: list[str]
    sponsor: str | None
    manager: str | None
    priority: int
    status: ProjectStatus
    start_date: date | None
    finish_date: date | None
    actual_start: date | None
    actual_finish: date | None
    budget: float = strawberry.field(description="Budget at completion (BAC).")
    currency: str
    ev_method: EvMethod
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: RowMapping) -> Project:
        return cls(
            id=strawberry.ID(str(row["id"])),
            code=row["code"],
            portfolio_id=strawberry.ID(str(row["portfolio_id"])),
            name=row["name"],
            description=row["description"],
            objectives=row["objectives"],
            scope=row["scope"],
            deliverables=row["deliverables"],
            constraints=row["constraints"],
            sponsor=row["sponsor"],
            manager=row["manager"],
            priority=row["priority"],
            status=ProjectStatus(row["status"]),
            start_date=row["start_date"],
            finish_date=row["finish_date"],
            actual_start=row["actual_start"],
            actual_finish=row["actual_finish"],
            budget=from_minor(row["budget"]) or 0.0,
            currency=row["currency"],
            ev_method=EvMethod(row["ev_method"]),
            tags=row["tags"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    @strawberry.field
    async def portfolio(
        self, info: Info
    ) -> Annotated[Portfolio, strawberry.lazy("pmo_api.portfolios.graphql")] | None:
        from pmo_api.portfolios.graphql import Portfolio

        portfolio_id = parse_id(self.portfolio_id)
        assert portfolio_id is not None
        row = await info.context.loaders.portfolio_by_id.load(portfolio_id)
        return None if row is None else Portfolio.from_row(row)

    @strawberry.field(description="Its milestones, in dueDate order.", metadata=assumed_rows(20))
    async def milestones(self, info: Info) -> list[Milestone]:
        return await milestones_of(info, _id_of(self))

    @strawberry.field(
        description="Its cost entries, in creation order (with the cursors of REST's list)."
    )
    async def costs(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[CostEntry]:
        return await costs_of(info, _id_of(self), first, after)

    @strawberry.field(
        description="The lines of its current budget baseline, or of an earlier one by number.",
        metadata=assumed_rows(36),
    )
    async def budget_lines(self, info: Info, baseline: int | None = None) -> list[BudgetLine]:
        return await budget_lines_of(info, _id_of(self), baseline)

    @strawberry.field(
        description="The number of its current budget baseline (0 before the first): the "
        "expectedBaseline of replaceBudgetLines."
    )
    async def baseline(self, info: Info) -> int:
        return await baseline_of(info, _id_of(self))

    @strawberry.field(description="Its progress records, in asOf order.", metadata=assumed_rows(20))
    async def progress(self, info: Info) -> list[ProgressRecord]:
        return await progress_of(info, _id_of(self))

    @strawberry.field(description="Its earned value as of asOf (inclusive; default today).")
    async def evm(self, info: Info, as_of: date | None = None) -> EvmFigures:
        return await evm_of(info, _id_of(self), self._plan(), as_of)

    @strawberry.field(
        description="Its earned value at each period end (month ends, or Sundays for WEEK) "
        "from `from` (default startDate) to `to` (default finishDate, else today).",
        metadata=assumed_rows(24),
    )
    async def evm_series(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        interval: EvmInterval = EvmInterval.MONTH,
    ) -> list[EvmFigures]:
        return await evm_series_of(info, _id_of(self), self._plan(), from_, to, interval)

    @strawberry.field(
        description="Planned (the baseline prorated as PV is) against actual cost as of asOf, "
        "by category or month.",
        metadata=assumed_rows(12),
    )
    async def cost_variance(
        self,
        info: Info,
        as_of: date | None = None,
        group_by: CostVarianceGroup = CostVarianceGroup.CATEGORY,
    ) -> list[CostVarianceRow]:
        return await cost_variance_of(info, _id_of(self), as_of, group_by)

    @strawberry.field(
        description="Its health as of today (CONTRACT §5): the worst of cost (CPI), schedule "
        "(SPI), overdue milestones and open risks; healthReport says why."
    )
    async def health(self, info: Info) -> HealthStatus:
        found = await info.context.loaders.health_by_project.load(_id_of(self))
        return HealthStatus(found.health)

    @strawberry.field(
        description="Its health as of today, rule by rule, and which rules decided it.",
        metadata=assumed_rows(4),
    )
    async def health_report(self, info: Info) -> HealthReport:
        found = await info.context.loaders.health_by_project.load(_id_of(self))
        return HealthReport.of(found, today())

    @strawberry.field(
        description="Its risks, filtered as asked, in creation order (with the cursors of "
        "REST's project risk list)."
    )
    async def risks(
        self,
        info: Info,
        filter: RiskFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Risk]:
        return await risks.risks_of(info, _id_of(self), filter, first, after)

    @strawberry.field(
        description="The latest value and status of every KPI as of asOf (default today), as "
        "GET /projects/{project}/kpis: measured KPIs from their latest measurement on or before "
        "it, the built-in ones computed as of it.",
        metadata=assumed_rows(20),
    )
    async def kpis(self, info: Info, as_of: date | None = None) -> list[ProjectKpi]:
        return await kpis.kpis_of(info, _id_of(self), as_of)

    @strawberry.field(
        description="Its status reports in periodEnd order (with the cursors of REST's list), "
        "of the states asked for (any by default)."
    )
    async def status_reports(
        self,
        info: Info,
        state: list[ReportState] | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[StatusReport]:
        return await reports.status_reports_of(info, _id_of(self), state, first, after)

    def _plan(self) -> tuple[date | None, date | None]:
        return self.start_date, self.finish_date


def _id_of(project: Project) -> uuid.UUID:
    project_id = parse_id(project.id)
    assert project_id is not None
    return project_id


@strawberry.input
class ProjectFilter:
    portfolio_id: list[strawberry.ID] | None = None
    status: list[ProjectStatus] | None = None
    priority: list[int] | None = None
    code: list[str] | None = None
    manager: list[str] | None = None
    health: list[HealthStatus] | None = strawberry.field(
        default=None,
        description="Only projects of this health (OR). Health is computed, not stored: a "
        "page may read many projects to find its matches.",
    )
    q: str | None = None
    updated_since: datetime | None = None


@strawberry.input
class ProjectCreateInput:
    code: str
    portfolio_id: strawberry.ID
    name: str
    description: str | None = None
    objectives: list[str] | None = strawberry.UNSET
    scope: str | None = None
    deliverables: list[str] | None = strawberry.UNSET
    constraints: list[str] | None = strawberry.UNSET
    sponsor: str | None = None
    manager: str | None = None
    priority: int | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    start_date: date | None = None
    finish_date: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    budget: float | None = strawberry.UNSET
    ev_method: EvMethod | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class ProjectPatchInput:
    code: str | None = strawberry.UNSET
    portfolio_id: strawberry.ID | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    objectives: list[str] | None = strawberry.UNSET
    scope: str | None = strawberry.UNSET
    deliverables: list[str] | None = strawberry.UNSET
    constraints: list[str] | None = strawberry.UNSET
    sponsor: str | None = strawberry.UNSET
    manager: str | None = strawberry.UNSET
    priority: int | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    start_date: date | None = strawberry.UNSET
    finish_date: date | None = strawberry.UNSET
    actual_start: date | None = strawberry.UNSET
    actual_finish: date | None = strawberry.UNSET
    budget: float | None = strawberry.UNSET
    ev_method: EvMethod | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


ProjectResult = Annotated[
    Project
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("ProjectResult"),
]


@strawberry.type
class ProjectQuery:
    @strawberry.field(description="A project by `id` or by `code`.")
    async def project(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> Project | None:
        ref = id if id is not None else code
        if ref is None:
            return None
        async with info.context.db.read() as conn:
            row = await repository.get(conn, info.context.principal, str(ref))
        return None if row is None else Project.from_row(row)

    @strawberry.field
    async def projects(
        self,
        info: Info,
        filter: ProjectFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Project]:
        f = filter or ProjectFilter()
        query = ListQuery(page_size(first), after, None, f.q, f.updated_since)
        portfolio_ids = [p for p in map(parse_id, f.portfolio_id or []) if p is not None]
        if f.portfolio_id and not portfolio_ids:  # only ids that cannot exist: nothing matches
            return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        stmt = repository.filtered(
            repository.visible(info.context.principal),
            query,
            portfolio_id=portfolio_ids,
            status=[s.value for s in f.status or []],
            priority=f.priority or [],
            code=f.code or [],
            manager=f.manager or [],
        )
        sort = repository.sort_of(query)
        if not f.health:
            async with info.context.db.read() as conn:
                rows, next_cursor = await repository.page(conn, stmt, query)
            return connection(rows, next_cursor, sort, Project.from_row)
        async with info.context.db.read() as conn:
            found, next_cursor = await health_service.page_with_health(
                conn,
                stmt,
                sort,
                query,
                thresholds=Thresholds.of(info.context.settings),
                id_of=lambda row: row["id"],
                wanted=[h.value for h in f.health],
            )
        loader = info.context.loaders.health_by_project
        for row, health in found:
            loader.prime(row["id"], health)  # project.health needs no second read
        return connection([row for row, _ in found], next_cursor, sort, Project.from_row)


@strawberry.type
class ProjectMutation:
    @strawberry.mutation
    async def create_project(self, info: Info, input: ProjectCreateInput) -> ProjectResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Project:
            data = parse_input(ProjectCreate, unset_removed(input), at="input")
            row = await service.create_project(conn, principal=ctx.principal, data=data)
            return Project.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(description="Merge-patch a project named by id or code.")
    async def update_project(
        self,
        info: Info,
        project: str,
        patch: ProjectPatchInput,
        expected_version: int | None = None,
    ) -> ProjectResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Project:
            data = parse_input(ProjectPatch, unset_removed(patch), at="patch")
            row = await service.update_project(
                conn,
                principal=ctx.principal,
                ref=project,
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return Project.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation
    async def delete_project(
        self, info: Info, project: str, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            row = await service.visible_project(conn, ctx.principal, project)
            await service.delete_project(
                conn,
                principal=ctx.principal,
                ref=project,
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=strawberry.ID(str(row["id"])))

        return await run_mutation(ctx.db, work)
