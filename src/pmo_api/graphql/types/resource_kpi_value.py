"""The `ResourceKpiValue` type: a row of the resource-kpi-values feed."""

from __future__ import annotations

from datetime import date

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.types.rag import Rag


@strawberry.type(
    description="A row of the resource-kpi-values feed: one (resource, KPI, month end), the "
    "value over that calendar month."
)
class ResourceKpiValue(FromBody):
    resource_id: strawberry.ID
    resource_name: str
    role_id: strawberry.ID | None = strawberry.field(description="The resource's role today.")
    kpi_code: str
    measured_on: date
    value: float | None
    status: Rag | None
