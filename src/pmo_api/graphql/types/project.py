"""`Project` (and its enums `ProjectStatus`, `EvMethod`), with the fields nested under it: each
resolves through its own domain's type and loader (graphql/types/, graphql/loaders/)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import strawberry

from pmo_api.core.clock import today
from pmo_api.core.listing import MAX_LIMIT
from pmo_api.core.money import from_minor
from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.relay import Connection, own_id
from pmo_api.graphql.types import action_item as actions
from pmo_api.graphql.types import change_request as changes
from pmo_api.graphql.types import decision as decisions
from pmo_api.graphql.types import project_kpi as kpis
from pmo_api.graphql.types import quality_review as quality
from pmo_api.graphql.types import risk as risks
from pmo_api.graphql.types import status_report as reports
from pmo_api.graphql.types.action_item import ActionItem, ActionItemFilter
from pmo_api.graphql.types.allocation import Allocation, AllocationFilter, project_allocations
from pmo_api.graphql.types.assumption import Assumption, assumptions_of
from pmo_api.graphql.types.baseline import baseline_of
from pmo_api.graphql.types.budget_line import MAX_LINES, BudgetLine, budget_lines_of
from pmo_api.graphql.types.change_request import ChangeRequest, ChangeRequestFilter
from pmo_api.graphql.types.compliance import ProjectCompliance, project_compliance_of
from pmo_api.graphql.types.cost_entry import CostEntry, costs_of
from pmo_api.graphql.types.cost_variance_row import (
    MAX_ROWS,
    CostVarianceGroup,
    CostVarianceRow,
    cost_variance_of,
)
from pmo_api.graphql.types.decision import Decision, DecisionFilter
from pmo_api.graphql.types.evm_figures import (
    MAX_POINTS,
    EvmFigures,
    EvmInterval,
    evm_of,
    evm_series_of,
    series_points,
)
from pmo_api.graphql.types.gate_review import GateReview, GateReviewFilter, project_gate_reviews
from pmo_api.graphql.types.health_report import HealthReport, HealthStatus
from pmo_api.graphql.types.issue import Issue, issues_of
from pmo_api.graphql.types.methodology_template import MethodologyTemplate, template_of
from pmo_api.graphql.types.milestone import Milestone, milestones_of
from pmo_api.graphql.types.progress_record import ProgressRecord, progress_of
from pmo_api.graphql.types.project_kpi import ProjectKpi
from pmo_api.graphql.types.quality_review import QualityReview, QualityReviewFilter
from pmo_api.graphql.types.risk import Risk, RiskFilter
from pmo_api.graphql.types.status_report import ReportState, StatusReport
from pmo_api.graphql.types.time_entry import TimeEntry, TimeEntryFilter, project_time_entries
from pmo_api.projects.models import EvMethod as EvMethod
from pmo_api.projects.models import ProjectStatus as ProjectStatus

if TYPE_CHECKING:
    from pmo_api.graphql.types.portfolio import Portfolio
    from pmo_api.graphql.types.program import Program


# The GraphQL enums are the domain's own StrEnums (projects/models.py), registered here; GraphQL
# code imports them from this module.
strawberry.enum(ProjectStatus, name="ProjectStatus")
strawberry.enum(EvMethod, name="EvMethod")


@strawberry.type
class Project:
    id: strawberry.ID
    code: str
    portfolio_id: strawberry.ID
    program_id: strawberry.ID | None = strawberry.field(
        description="The programme of its portfolio it belongs to, if any."
    )
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
    template_id: strawberry.ID | None = strawberry.field(
        description="The methodology template the project was made from (or had applied)."
    )
    template_version: int | None = strawberry.field(description="That template's version.")
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Project:
        """The row's values by name (IDs as text, enums by value), but for its lists and its
        budget in minor units."""
        return from_body(
            cls,
            row,
            objectives=_items(row["objectives"]),
            deliverables=_items(row["deliverables"]),
            constraints=_items(row["constraints"]),
            budget=from_minor(row["budget"]) or 0.0,
            tags=_items(row["tags"]),
        )

    @strawberry.field
    async def portfolio(
        self, info: Info
    ) -> Annotated[Portfolio, strawberry.lazy("pmo_api.graphql.types.portfolio")] | None:
        from pmo_api.graphql.types.portfolio import Portfolio

        row = await info.context.loaders.portfolio_by_id.load(own_id(self.portfolio_id))
        return None if row is None else Portfolio.from_row(row)

    @strawberry.field(description="The programme it belongs to; null when none.")
    async def program(
        self, info: Info
    ) -> Annotated[Program, strawberry.lazy("pmo_api.graphql.types.program")] | None:
        from pmo_api.graphql.types.program import Program

        if self.program_id is None:
            return None
        row = await info.context.loaders.program_by_id.load(own_id(self.program_id))
        return None if row is None else Program.from_row(row)

    @strawberry.field(
        description="The methodology template it was made from, as of its templateVersion."
    )
    async def template(self, info: Info) -> MethodologyTemplate | None:
        if self.template_id is None or self.template_version is None:
            return None
        return await template_of(info, own_id(self.template_id), self.template_version)

    @strawberry.field(description="Its first milestones (at most 500), in dueDate order.")
    async def milestones(self, info: Info, first: int = MAX_LIMIT) -> list[Milestone]:
        return await milestones_of(info, own_id(self.id), first)

    @strawberry.field(
        description="Its cost entries, in creation order (with the cursors of REST's list)."
    )
    async def costs(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[CostEntry]:
        return await costs_of(info, own_id(self.id), first, after)

    @strawberry.field(
        description="The first lines (by default all: a baseline has at most 5,000) of its "
        "current budget baseline, or of an earlier one by number.",
        metadata=bounded(MAX_LINES),
    )
    async def budget_lines(
        self, info: Info, baseline: int | None = None, first: int = MAX_LINES
    ) -> list[BudgetLine]:
        return await budget_lines_of(info, own_id(self.id), baseline, first)

    @strawberry.field(
        description="The number of its current budget baseline (0 before the first): the "
        "expectedBaseline of replaceBudgetLines."
    )
    async def baseline(self, info: Info) -> int:
        return await baseline_of(info, own_id(self.id))

    @strawberry.field(description="Its first progress records (at most 500), in asOf order.")
    async def progress(self, info: Info, first: int = MAX_LIMIT) -> list[ProgressRecord]:
        return await progress_of(info, own_id(self.id), first)

    @strawberry.field(description="Its earned value as of asOf (inclusive; default today).")
    async def evm(self, info: Info, as_of: date | None = None) -> EvmFigures:
        return await evm_of(info, own_id(self.id), self._plan(), as_of)

    @strawberry.field(
        description="Its earned value at each period end (month ends, or Sundays for WEEK) "
        "from `from` (default startDate) to `to` (default finishDate, else today); at most "
        "600 points.",
        metadata=bounded(MAX_POINTS, series_points),
    )
    async def evm_series(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        interval: EvmInterval = EvmInterval.MONTH,
    ) -> list[EvmFigures]:
        return await evm_series_of(info, own_id(self.id), self._plan(), from_, to, interval)

    @strawberry.field(
        description="Planned (the baseline prorated as PV is) against actual cost as of asOf, "
        "by category or month (at most 600 rows).",
        metadata=bounded(MAX_ROWS),
    )
    async def cost_variance(
        self,
        info: Info,
        as_of: date | None = None,
        group_by: CostVarianceGroup = CostVarianceGroup.CATEGORY,
    ) -> list[CostVarianceRow]:
        return await cost_variance_of(info, own_id(self.id), as_of, group_by)

    @strawberry.field(
        description="Its health as of today (CONTRACT §5): the worst of cost (CPI), schedule "
        "(SPI), overdue milestones and open risks; healthReport says why. Null for a project "
        "not in flight (proposed, approved, completed, cancelled): healthReport.reason says why."
    )
    async def health(self, info: Info) -> HealthStatus | None:
        found = await info.context.loaders.health_by_project.load(own_id(self.id))
        return None if found.health is None else HealthStatus(found.health)

    @strawberry.field(
        description="Its health as of today, rule by rule, and which rules decided it."
    )
    async def health_report(self, info: Info) -> HealthReport:
        found = await info.context.loaders.health_by_project.load(own_id(self.id))
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
        return await risks.risks_of(info, own_id(self.id), filter, first, after)

    @strawberry.field(description="Its issue log, in creation order.")
    async def issues(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Issue]:
        return await issues_of(info, own_id(self.id), first, after)

    @strawberry.field(description="Its assumption log, in creation order.")
    async def assumptions(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Assumption]:
        return await assumptions_of(info, own_id(self.id), first, after)

    @strawberry.field(
        description="Its action items, filtered as asked, in creation order (with the cursors "
        "of REST's project action item list)."
    )
    async def action_items(
        self,
        info: Info,
        filter: ActionItemFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ActionItem]:
        return await actions.action_items_of(info, own_id(self.id), filter, first, after)

    @strawberry.field(description="Its decision log, filtered as asked, in creation order.")
    async def decisions(
        self,
        info: Info,
        filter: DecisionFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Decision]:
        return await decisions.decisions_of(info, own_id(self.id), filter, first, after)

    @strawberry.field(description="Its change requests, filtered as asked, in creation order.")
    async def change_requests(
        self,
        info: Info,
        filter: ChangeRequestFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ChangeRequest]:
        return await changes.change_requests_of(info, own_id(self.id), filter, first, after)

    @strawberry.field(
        description="Its gate reviews, filtered as asked, in creation order (with the cursors "
        "of REST's project gate review list)."
    )
    async def gate_reviews(
        self,
        info: Info,
        filter: GateReviewFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[GateReview]:
        return await project_gate_reviews(info, own_id(self.id), filter, first, after)

    @strawberry.field(
        description="Its quality reviews (peer reviews, audits, health checks), filtered as "
        "asked, in creation order (with the cursors of REST's project review list)."
    )
    async def quality_reviews(
        self,
        info: Info,
        filter: QualityReviewFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[QualityReview]:
        return await quality.quality_reviews_of(info, own_id(self.id), filter, first, after)

    @strawberry.field(
        description="Its allocations (role-only ones are its unfilled demand), by start date."
    )
    async def allocations(
        self,
        info: Info,
        filter: AllocationFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Allocation]:
        return await project_allocations(info, own_id(self.id), filter, first, after)

    @strawberry.field(description="Its time entries (actual hours, priced), by work date.")
    async def time_entries(
        self,
        info: Info,
        filter: TimeEntryFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[TimeEntry]:
        return await project_time_entries(info, own_id(self.id), filter, first, after)

    @strawberry.field(
        description="The latest value and status of every KPI as of asOf (default today), as "
        "GET /projects/{project}/kpis: measured KPIs from their latest measurement on or before "
        "it, the built-in ones computed as of it; the first `first` in KPI code order."
    )
    async def kpis(
        self, info: Info, as_of: date | None = None, first: int = 100
    ) -> list[ProjectKpi]:
        return await kpis.kpis_of(info, own_id(self.id), as_of, first)

    @strawberry.field(
        description="Its compliance with the PMO's rules as of asOf (default today), as "
        "GET /projects/{project}/compliance: each rule's result, reason and evidence."
    )
    async def compliance(self, info: Info, as_of: date | None = None) -> ProjectCompliance:
        return await project_compliance_of(info, own_id(self.id), as_of)

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
        return await reports.status_reports_of(info, own_id(self.id), state, first, after)

    def _plan(self) -> tuple[date | None, date | None]:
        return self.start_date, self.finish_date


def _items(value: str | list[str]) -> list[str]:
    # A list as the project's reads give it: decoded (visible()), or JSON text (presented()).
    return orjson.loads(value) if isinstance(value, str) else value
