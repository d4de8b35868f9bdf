"""`EvmFigures` (and `EvmInterval`): `project.evm` and `project.evmSeries`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import strawberry

from pmo_api.core.clock import today
from pmo_api.core.errors import Invalid
from pmo_api.evm import service as earned_value
from pmo_api.evm.models import EvmInterval as EvmInterval
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.loaders.evm_points import EvmKey
from pmo_api.graphql.types.earned_value import EarnedValue

# The GraphQL enum is the domain's own StrEnum, marked in place (its members' names are the
# GraphQL names); imported from here by whoever uses it in GraphQL.
strawberry.enum(EvmInterval, name="EvmInterval")


@strawberry.type(description="A project's earned value as of a date, with earned schedule.")
class EvmFigures(EarnedValue, FromBody):
    as_of: date
    at_days: int | None = strawberry.field(description="Days from startDate to asOf (day 1).")
    es_days: float | None = strawberry.field(description="Earned schedule, in days.")
    spi_t: float | None
    sv_t_days: float | None
    forecast_finish: date | None


async def evm_of(
    info: Info, project_id: uuid.UUID, plan: tuple[date | None, date | None], as_of: date | None
) -> EvmFigures:
    """`project.evm(asOf)`, through the evm_points DataLoader."""
    key = EvmKey(project_id, *plan, as_of or today())
    return EvmFigures.from_row(await info.context.loaders.evm_points.load(key))


MAX_POINTS = earned_value.MAX_POINTS


def series_points(arguments: Mapping[str, Any]) -> int | None:
    """The points `evmSeries` returns when `from` and `to` are given (else it depends on the
    project's plan: the cost counts the bound)."""
    first, last = arguments.get("from"), arguments.get("to")
    if not (isinstance(first, date) and isinstance(last, date)):
        return None
    weekly = str(arguments.get("interval", "")).lower().endswith("week")
    try:
        return len(earned_value.period_ends(first, last, "week" if weekly else "month"))
    except Invalid:
        return None  # too many: refused when it runs


async def evm_series_of(
    info: Info,
    project_id: uuid.UUID,
    plan: tuple[date | None, date | None],
    first: date | None,
    last: date | None,
    interval: EvmInterval,
) -> list[EvmFigures]:
    """`project.evmSeries(from, to, interval)`, through the evm_points DataLoader."""
    dates = earned_value.series_dates(plan, first, last, interval.value, at=())
    keys = [EvmKey(project_id, *plan, t) for t in dates]
    points = await info.context.loaders.evm_points.load_many(keys)
    return [EvmFigures.from_row(point) for point in points]
