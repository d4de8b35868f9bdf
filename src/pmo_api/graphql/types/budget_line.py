"""`BudgetLine`, and `project.budgetLines`."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from pmo_api.budget import service
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info


@strawberry.type
class BudgetLine(FromBody, body_of=service.budget_line_json):
    id: strawberry.ID
    project_id: strawberry.ID
    baseline: int = strawberry.field(description="The number of the baseline it belongs to.")
    period: str = strawberry.field(description="A month, `YYYY-MM`.")
    category: str
    amount: float
    created_at: datetime
    updated_at: datetime
    version: int


async def budget_lines_of(
    info: Info, project_id: uuid.UUID, baseline: int | None
) -> list[BudgetLine]:
    """`project.budgetLines(baseline)`, through its DataLoader."""
    rows = await info.context.loaders.budget_lines_by_project.load((project_id, baseline))
    return [BudgetLine.from_row(row) for row in rows]
