"""`BudgetLine`, and `project.budgetLines`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from pmo_api.budget import service
from pmo_api.graphql.context import Info


@strawberry.type
class BudgetLine:
    id: strawberry.ID
    project_id: strawberry.ID
    baseline: int = strawberry.field(description="The number of the baseline it belongs to.")
    period: str = strawberry.field(description="A month, `YYYY-MM`.")
    category: str
    amount: float
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> BudgetLine:
        body = service.budget_line_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            baseline=body["baseline"],
            period=body["period"],
            category=body["category"],
            amount=body["amount"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


async def budget_lines_of(
    info: Info, project_id: uuid.UUID, baseline: int | None
) -> list[BudgetLine]:
    """`project.budgetLines(baseline)`, through its DataLoader."""
    rows = await info.context.loaders.budget_lines_by_project.load((project_id, baseline))
    return [BudgetLine.from_row(row) for row in rows]
