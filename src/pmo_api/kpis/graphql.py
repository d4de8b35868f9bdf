"""GraphQL for KPIs: definitions, measurements, `project.kpis(asOf)` (through a DataLoader), the
kpi-values feed, and the mutations, over the same services as REST. The built-in cpi and spi
are judged by the health thresholds, which reach here as the request context's settings."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.clock import today
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import fetch_page
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
from pmo_api.graphql.relay import Connection, Edge, PageInfo, connection, page_size, parse_id
from pmo_api.kpis import feed, service
from pmo_api.kpis import repository as repo
from pmo_api.kpis.schemas import (
    KpiCreate,
    KpiListParams,
    KpiPatch,
    KpiValueParams,
    MeasurementCreate,
)
from pmo_api.settings import Settings

# --- types --------------------------------------------------------------------------------------


@strawberry.enum
class KpiDirection(enum.Enum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


@strawberry.enum(description="A red-amber-green rating.")
class Rag(enum.Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def _rag(value: str | None) -> Rag | None:
    return None if value is None else Rag(value)


@strawberry.type
class KpiDefinition:
    id: strawberry.ID
    code: str
    name: str
    description: str | None
    unit: str | None
    direction: KpiDirection
    target: float | None
    amber_threshold: float | None = strawberry.field(
        description="For cpi and spi, the health setting (PMO_HEALTH_*_GREEN)."
    )
    red_threshold: float | None = strawberry.field(
        description="For cpi and spi, the health setting (PMO_HEALTH_*_AMBER)."
    )
    computed: bool = strawberry.field(
        description="Built in: its values are computed from earned value and the risk "
        "register, never measured."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any], settings: Settings) -> KpiDefinition:
        body = service.kpi_json(row, settings)
        return cls(
            id=strawberry.ID(str(body["id"])),
            code=body["code"],
            name=body["name"],
            description=body["description"],
            unit=body["unit"],
            direction=KpiDirection(body["direction"]),
            target=body["target"],
            amber_threshold=body["amber_threshold"],
            red_threshold=body["red_threshold"],
            computed=body["computed"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.type
class KpiMeasurement:
    id: strawberry.ID
    project_id: strawberry.ID
    kpi_code: str
    measured_on: date
    value: float
    status: Rag | None = strawberry.field(description="null when the KPI has no thresholds.")
    target: float | None
    variance_to_target: float | None = strawberry.field(description="value - target")
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(
        cls, row: Mapping[Any, Any], kpi: Mapping[Any, Any], settings: Settings
    ) -> KpiMeasurement:
        body = service.measurement_json(row, kpi, settings)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            kpi_code=body["kpi_code"],
            measured_on=body["measured_on"],
            value=body["value"],
            status=_rag(body["status"]),
            target=body["target"],
            variance_to_target=body["variance_to_target"],
            note=body["note"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.type
class RecordedKpiMeasurement:
    measurement: KpiMeasurement
    created: bool = strawberry.field(
        description="false when the project already had a value on that date: it was replaced."
    )


@strawberry.type(description="A KPI's latest value for a project as of a date, and its status.")
class ProjectKpi:
    kpi_code: str
    name: str
    unit: str | None
    direction: KpiDirection
    computed: bool
    value: float | None
    measured_on: date | None = strawberry.field(
        description="The latest measurement's date; the date asked for, for a built-in KPI."
    )
    status: Rag | None
    target: float | None
    variance_to_target: float | None

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ProjectKpi:
        return cls(
            kpi_code=body["kpi_code"],
            name=body["name"],
            unit=body["unit"],
            direction=KpiDirection(body["direction"]),
            computed=body["computed"],
            value=body["value"],
            measured_on=body["measured_on"],
            status=_rag(body["status"]),
            target=body["target"],
            variance_to_target=body["variance_to_target"],
        )


@strawberry.type(description="A row of the kpi-values feed: one (project, KPI, date).")
class KpiValue:
    portfolio_id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    kpi_code: str
    measured_on: date
    value: float | None
    status: Rag | None
    computed: bool
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> KpiValue:
        return cls(
            portfolio_id=strawberry.ID(str(row["portfolio_id"])),
            project_id=strawberry.ID(str(row["project_id"])),
            project_code=row["project_code"],
            kpi_code=row["kpi_code"],
            measured_on=row["measured_on"],
            value=row["value"],
            status=_rag(row["status"]),
            computed=row["computed"],
            updated_at=row["updated_at"],
        )


# --- fields under Project -----------------------------------------------------------------------


async def kpis_of(info: Info, project_id: uuid.UUID, as_of: date | None) -> list[ProjectKpi]:
    rows = await info.context.loaders.kpis_by_project.load((project_id, as_of or today()))
    return [ProjectKpi.from_body(row) for row in rows]


# --- root queries -------------------------------------------------------------------------------


@strawberry.input
class KpiFilter:
    direction: list[KpiDirection] | None = None
    computed: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None


@strawberry.input(description="As the filters of GET /api/v1/kpi-values.")
class KpiValueFilter:
    portfolio_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    kpi: list[str] | None = strawberry.field(default=None, description="KPI codes.")
    from_: date | None = strawberry.field(
        default=None, name="from", description="Default: a year before `to`."
    )
    to: date | None = strawberry.field(default=None, description="Default: today.")
    updated_since: datetime | None = None


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@strawberry.type
class KpiQuery:
    @strawberry.field(description="KPI definitions, the built-in computed ones included, by code.")
    async def kpis(
        self,
        info: Info,
        filter: KpiFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[KpiDefinition]:
        f = filter or KpiFilter()
        params = parse_input(
            KpiListParams,
            _given(
                limit=page_size(first),
                cursor=after,
                direction=[d.value for d in f.direction] if f.direction else None,
                computed=f.computed,
                q=f.q,
                updated_since=f.updated_since,
            ),
            at="filter",
        )
        query = params.list_query()
        stmt = repo.listed(query, direction=params.direction, computed=params.computed)
        sort = repo.sort_of(query)
        ctx = info.context
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(conn, stmt, sort, query)
        return connection(
            rows, next_cursor, sort, lambda row: KpiDefinition.from_row(row, ctx.settings)
        )

    @strawberry.field(description="A KPI definition by code.")
    async def kpi(self, info: Info, code: str) -> KpiDefinition | None:
        ctx = info.context
        async with ctx.db.read() as conn:
            row = await repo.get(conn, code)
        return None if row is None else KpiDefinition.from_row(row, ctx.settings)

    @strawberry.field(
        description="The long, flat feed for BI (GET /api/v1/kpi-values): one row per "
        "(project, KPI, date), in (project, KPI code, date) order. Measured KPIs by their "
        "dates; the built-in ones at each month end of the range up to today "
        "(openRiskExposure once, as of today)."
    )
    async def kpi_values(
        self,
        info: Info,
        filter: KpiValueFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[KpiValue]:
        f = filter or KpiValueFilter()
        ctx = info.context
        portfolio_ids = [p for p in map(parse_id, f.portfolio_id or []) if p is not None]
        if f.portfolio_id and not portfolio_ids:  # only ids that cannot exist: nothing matches
            return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        params = parse_input(
            KpiValueParams,
            _given(
                limit=page_size(first),
                cursor=after,
                portfolio_id=portfolio_ids or None,
                project=f.project,
                kpi=f.kpi,
                to=f.to,
                updated_since=f.updated_since,
                **{"from": f.from_},
            ),
            at="filter",
        )
        spec = feed.spec_of(params, ctx.principal, ctx.settings, since_at="updatedSince")
        edges: list[Edge[KpiValue]] = []
        more = False
        async for row in feed.rows(ctx.db, spec, after=after):
            if len(edges) == params.limit:
                more = True
                break
            edges.append(Edge(node=KpiValue.from_row(row), cursor=feed.ORDER.cursor_for(row)))
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None),
        )


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class KpiCreateInput:
    code: str = strawberry.field(description="Unique, `[a-z][a-z0-9_]*`.")
    name: str
    description: str | None = None
    unit: str | None = None
    direction: KpiDirection
    target: float | None = None
    amber_threshold: float | None = None
    red_threshold: float | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class KpiPatchInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    direction: KpiDirection | None = strawberry.UNSET
    target: float | None = strawberry.UNSET
    amber_threshold: float | None = strawberry.UNSET
    red_threshold: float | None = strawberry.UNSET


@strawberry.input
class KpiMeasurementInput:
    measured_on: date
    value: float
    note: str | None = None


_Errors = (
    ValidationFailed | NotFoundError | ConflictError | ForbiddenError | PreconditionFailedError
)
KpiResult = Annotated[KpiDefinition | _Errors, strawberry.union("KpiResult")]
RecordKpiMeasurementResult = Annotated[
    RecordedKpiMeasurement | _Errors, strawberry.union("RecordKpiMeasurementResult")
]


@strawberry.type
class KpiMutation:
    @strawberry.mutation(
        description="Define a KPI (an admin key not limited to portfolios: definitions are "
        "shared by every portfolio)."
    )
    async def create_kpi(self, info: Info, input: KpiCreateInput) -> KpiResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> KpiDefinition:
            data = parse_input(KpiCreate, unset_removed(input), at="input")
            row = await service.create_kpi(conn, principal=ctx.principal, data=data)
            return KpiDefinition.from_row(row, ctx.settings)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(
        description="Merge-patch a KPI definition (unlimited admin). A built-in KPI keeps its "
        "direction, and cpi and spi are judged by the health thresholds, not their own."
    )
    async def update_kpi(
        self,
        info: Info,
        code: str,
        patch: KpiPatchInput,
        expected_version: int | None = None,
    ) -> KpiResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> KpiDefinition:
            data = parse_input(KpiPatch, unset_removed(patch), at="patch")
            row = await service.update_kpi(
                conn,
                principal=ctx.principal,
                code=code,
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return KpiDefinition.from_row(row, ctx.settings)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation(
        description="Remove a KPI definition without measurements (unlimited admin); built-in "
        "ones stay (ConflictError)."
    )
    async def delete_kpi(
        self, info: Info, code: str, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            found = await repo.get(conn, code)
            await service.delete_kpi(
                conn,
                principal=ctx.principal,
                code=code,
                precondition=Precondition.of_version(expected_version),
            )
            assert found is not None  # delete_kpi raised NotFound otherwise
            return Deleted(id=strawberry.ID(str(found["id"])))

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(
        description="Record a KPI's value for a project (id or code) on a date (editor). A value "
        "for a date that already has one replaces it (created: false), so an import sent twice "
        "never duplicates. Built-in KPIs are computed, not measured (ConflictError)."
    )
    async def record_kpi_measurement(
        self, info: Info, project: str, kpi: str, input: KpiMeasurementInput
    ) -> RecordKpiMeasurementResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> RecordedKpiMeasurement:
            data = parse_input(MeasurementCreate, unset_removed(input), at="input")
            row, definition, created = await service.record_measurement(
                conn, principal=ctx.principal, ref=project, code=kpi, data=data
            )
            return RecordedKpiMeasurement(
                measurement=KpiMeasurement.from_row(row, definition, ctx.settings),
                created=created,
            )

        return await run_mutation(ctx.db, work)
