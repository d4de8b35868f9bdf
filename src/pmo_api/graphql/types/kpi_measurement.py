"""The `KpiMeasurement` type: a measured value of a KPI for a project on a date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.types.rag import Rag
from pmo_api.kpis import service
from pmo_api.settings import Settings


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
        return from_body(cls, service.measurement_json(row, kpi, settings))
