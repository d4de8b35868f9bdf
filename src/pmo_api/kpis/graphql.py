"""GraphQL for KPIs: the root queries (definitions, the kpi-values feed), their filters and
inputs, and the mutations, over the same services as REST. The types are in graphql/types/
(kpi_definition, kpi_measurement, recorded_kpi_measurement, project_kpi, kpi_value,
resource_kpi_value). The
built-in cpi and spi are judged by the health thresholds, which reach here as the request
context's settings."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.writes import WithSettings
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import (
    AnyUserError,
    parse_input,
    run_mutation,
    unset_removed,
)
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_key, page_of
from pmo_api.graphql.relay import Connection, connection, page_size, parse_ids
from pmo_api.graphql.types.kpi_definition import KpiDefinition, KpiDirection
from pmo_api.graphql.types.kpi_measurement import KpiMeasurement
from pmo_api.graphql.types.kpi_value import KpiValue
from pmo_api.graphql.types.recorded_kpi_measurement import RecordedKpiMeasurement
from pmo_api.graphql.types.resource_kpi_value import ResourceKpiValue
from pmo_api.kpis import feed, resource_feed, service
from pmo_api.kpis import repository as repo
from pmo_api.kpis.schemas import (
    KpiCreate,
    KpiListParams,
    KpiPatch,
    KpiValueParams,
    MeasurementCreate,
    ResourceKpiValueParams,
)

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
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    kpi: list[str] | None = strawberry.field(default=None, description="KPI codes.")
    from_: date | None = strawberry.field(
        default=None, name="from", description="Default: a year before `to`."
    )
    to: date | None = strawberry.field(default=None, description="Default: today.")
    updated_since: datetime | None = None


@strawberry.input(description="As the filters of GET /api/v1/resource-kpi-values.")
class ResourceKpiValueFilter:
    resource_id: list[strawberry.ID] | None = None
    role_id: list[strawberry.ID] | None = None
    kpi: list[str] | None = strawberry.field(default=None, description="KPI codes.")
    from_: date | None = strawberry.field(
        default=None, name="from", description="Default: a year before `to`."
    )
    to: date | None = strawberry.field(
        default=None, description="Default: today. May be in the future: allocations are plans."
    )


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
        wanted = service.KpiFilter.of(params)
        render = partial(KpiDefinition.from_row, settings=info.context.settings)
        return await page_of(info, service.list_kpis, wanted, params.list_query(), render)

    @strawberry.field(description="A KPI definition by code.")
    async def kpi(self, info: Info, code: str) -> KpiDefinition | None:
        render = partial(KpiDefinition.from_row, settings=info.context.settings)
        return await one_by_key(info, code, repo.get, render)

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
        params = parse_input(
            KpiValueParams,
            _given(
                limit=page_size(first),
                cursor=after,
                portfolio_id=parse_ids(f.portfolio_id) or None,
                program_id=parse_ids(f.program_id) or None,
                project=f.project,
                kpi=f.kpi,
                to=f.to,
                updated_since=f.updated_since,
                **{"from": f.from_},
            ),
            at="filter",
        )
        spec = feed.spec_of(params, ctx.principal, ctx.settings, since_at="updatedSince")
        rows, next_cursor = await feed.page(ctx.db, spec, params.limit, after=after)
        return connection(rows, next_cursor, feed.ORDER, KpiValue.from_row)

    @strawberry.field(
        description="The per-resource built-in KPIs (utilisation) as a flat feed for BI (GET "
        "/api/v1/resource-kpi-values): one row per (resource, KPI, month end), in that order, "
        "future months included. Every resource, counting hours on every live project."
    )
    async def resource_kpi_values(
        self,
        info: Info,
        filter: ResourceKpiValueFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ResourceKpiValue]:
        f = filter or ResourceKpiValueFilter()
        ctx = info.context
        params = parse_input(
            ResourceKpiValueParams,
            _given(
                limit=page_size(first),
                cursor=after,
                resource_id=parse_ids(f.resource_id) or None,
                role_id=parse_ids(f.role_id) or None,
                kpi=f.kpi,
                to=f.to,
                **{"from": f.from_},
            ),
            at="filter",
        )
        spec = resource_feed.spec_of(params, ctx.principal, ctx.settings, at=("filter",))
        rows, next_cursor = await resource_feed.page(ctx.db, spec, params.limit, after=after)
        return connection(rows, next_cursor, resource_feed.ORDER, ResourceKpiValue.from_row)


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


@patch_of(KpiCreateInput, without={"code"})
class KpiPatchInput:
    """KpiCreateInput's fields, each optional."""


@strawberry.input
class KpiMeasurementInput:
    measured_on: date
    value: float
    note: str | None = None


KpiResult = Annotated[KpiDefinition | AnyUserError, strawberry.union("KpiResult")]
RecordKpiMeasurementResult = Annotated[
    RecordedKpiMeasurement | AnyUserError, strawberry.union("RecordKpiMeasurementResult")
]


@strawberry.type
class KpiMutation:
    @strawberry.mutation(
        description="Define a KPI (an admin key not limited to portfolios: definitions are "
        "shared by every portfolio)."
    )
    async def create_kpi(self, info: Info, input: KpiCreateInput) -> KpiResult:
        render = partial(KpiDefinition.from_row, settings=info.context.settings)
        return await created(info, KpiCreate, input, service.create_kpi, render)

    update_kpi = update_mutation(
        "KPI",
        KpiPatchInput,
        KpiPatch,
        service.update_kpi,
        WithSettings(KpiDefinition.from_row),
        KpiResult,
        key="code",
        description="Merge-patch a KPI definition (unlimited admin). A built-in KPI keeps its "
        "direction, and cpi and spi are judged by the health thresholds, not their own.",
    )
    delete_kpi = delete_mutation(
        "KPI",
        service.delete_kpi,
        key="code",
        description="Remove a KPI definition without measurements (unlimited admin); built-in "
        "ones stay (ConflictError).",
    )

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
            row, definition, was_created = await service.record_measurement(
                conn, principal=ctx.principal, ref=project, code=kpi, data=data
            )
            return RecordedKpiMeasurement(
                measurement=KpiMeasurement.from_row(row, definition, ctx.settings),
                created=was_created,
            )

        return await run_mutation(ctx.db, work)
