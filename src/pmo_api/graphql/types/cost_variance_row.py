"""`CostVarianceRow` (and `CostVarianceGroup`): `project.costVariance`."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from pmo_api.evm import service as earned_value
from pmo_api.evm.models import CostVarianceGroup as CostVarianceGroup
from pmo_api.graphql.context import Info

# The GraphQL enum is the domain's own StrEnum, marked in place (its members' names are the
# GraphQL names); imported from here by whoever uses it in GraphQL.
strawberry.enum(CostVarianceGroup, name="CostVarianceGroup")


# The most rows `costVariance` returns (categories are free text, months span the plan).
MAX_ROWS = 600


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


async def cost_variance_of(
    info: Info, project_id: uuid.UUID, as_of: date | None, group_by: CostVarianceGroup
) -> list[CostVarianceRow]:
    """`project.costVariance(asOf, groupBy)`, from the function REST's cost variance calls."""
    ctx = info.context
    async with ctx.db.read() as conn:
        body = await earned_value.cost_variance(
            conn, ctx.principal, str(project_id), as_of=as_of, group_by=group_by.value
        )
    return [CostVarianceRow(**row) for row in body["data"][:MAX_ROWS]]
