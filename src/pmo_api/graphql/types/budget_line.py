"""`BudgetLine`, and `project.budgetLines`."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from pmo_api.budget import service
from pmo_api.budget.schemas import BaselinePut
from pmo_api.core.errors import Invalid
from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import max_length

# The most lines a baseline can have (what a re-baseline accepts): `budgetLines`' bound.
MAX_LINES = max_length(BaselinePut.model_fields["lines"])


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
    info: Info, project_id: uuid.UUID, baseline: int | None, first: int
) -> list[BudgetLine]:
    """`project.budgetLines(baseline, first)`, through its DataLoader."""
    if not 1 <= first <= MAX_LINES:
        raise Invalid.field(["first"], f"first must be between 1 and {MAX_LINES}", "page_size")
    key = (project_id, baseline, first)
    rows = await info.context.loaders.budget_lines_by_project.load(key)
    return [BudgetLine.from_row(row) for row in rows]
