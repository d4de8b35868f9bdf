"""The `RecordedKpiMeasurement` type: what recording a KPI value answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from pmo_api.graphql.types.kpi_measurement import KpiMeasurement


@strawberry.type
class RecordedKpiMeasurement:
    measurement: Annotated[KpiMeasurement, strawberry.lazy("pmo_api.graphql.types.kpi_measurement")]
    created: bool = strawberry.field(
        description="false when the project already had a value on that date: it was replaced."
    )
