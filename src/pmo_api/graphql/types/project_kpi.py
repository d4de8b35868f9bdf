"""The `ProjectKpi` type and `project.kpis(asOf)`."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from pmo_api.core.clock import today
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import page_size
from pmo_api.graphql.types.kpi_definition import KpiDirection
from pmo_api.graphql.types.rag import Rag


@strawberry.type(description="A KPI's latest value for a project as of a date, and its status.")
class ProjectKpi(FromBody):
    kpi_code: str
    name: str
    unit: str | None
    direction: KpiDirection
    computed: bool
    value: float | None
    measured_on: date | None = strawberry.field(
        description="The latest measurement's date; the date asked for, for a built-in KPI."
    )
    status: Rag | None
    target: float | None
    variance_to_target: float | None


async def kpis_of(
    info: Info, project_id: uuid.UUID, as_of: date | None, first: int
) -> list[ProjectKpi]:
    """`project.kpis(asOf)`, through a DataLoader."""
    rows = await info.context.loaders.kpis_by_project.load((project_id, as_of or today()))
    return [ProjectKpi.from_row(row) for row in rows[: page_size(first)]]
