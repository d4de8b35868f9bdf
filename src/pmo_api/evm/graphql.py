"""GraphQL for earned value: the figures, series, cost variance and portfolio rollup nested under
projects and portfolios (through DataLoaders), over the same services as REST."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from pmo_api.core.clock import today
from pmo_api.evm import service as earned_value
from pmo_api.graphql.context import Info
from pmo_api.graphql.limits import assumed_rows
from pmo_api.graphql.loaders.evm_points import EvmKey

if TYPE_CHECKING:
    from pmo_api.projects.graphql import ProjectStatus


@strawberry.enum
class EvmInterval(enum.Enum):
    MONTH = "month"
    WEEK = "week"


@strawberry.enum
class CostVarianceGroup(enum.Enum):
    CATEGORY = "category"
    MONTH = "month"


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


async def evm_of(
    info: Info, project_id: uuid.UUID, plan: tuple[date | None, date | None], as_of: date | None
) -> EvmFigures:
    key = EvmKey(project_id, *plan, as_of or today())
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
