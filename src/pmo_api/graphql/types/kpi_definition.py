"""The `KpiDefinition` type and its `KpiDirection` and `KpiSubject` enums (kpis/models)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import from_body
from pmo_api.kpis import service
from pmo_api.kpis.models import KpiDirection as KpiDirection
from pmo_api.kpis.models import KpiSubject as KpiSubject
from pmo_api.settings import Settings

strawberry.enum(KpiDirection)
strawberry.enum(KpiSubject)


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
    applies_to: KpiSubject = strawberry.field(
        description="What its values are about: a project (project.kpis, kpiValues) or a "
        "resource (resourceKpiValues)."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any], settings: Settings) -> KpiDefinition:
        return from_body(cls, service.kpi_json(row, settings))
