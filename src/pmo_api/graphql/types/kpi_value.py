"""The `KpiValue` type: a row of the kpi-values feed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.types.rag import Rag, rag_of


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
            status=rag_of(row["status"]),
            computed=row["computed"],
            updated_at=row["updated_at"],
        )
