"""The `KpiValue` type: a row of the kpi-values feed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.types.rag import Rag


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
        return from_body(cls, row)
