"""The `KpiValue` type: a row of the kpi-values feed."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.types.rag import Rag


@strawberry.type(description="A row of the kpi-values feed: one (project, KPI, date).")
class KpiValue(FromBody):
    portfolio_id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    kpi_code: str
    measured_on: date
    value: float | None
    status: Rag | None
    computed: bool
    updated_at: datetime
