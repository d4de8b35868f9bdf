"""`Baseline` (what a re-baseline answers), and `project.baseline` (its current number)."""

from __future__ import annotations

import uuid

import strawberry

from pmo_api.graphql.context import Info
from pmo_api.graphql.limits import assumed_rows
from pmo_api.graphql.types.budget_line import BudgetLine


@strawberry.type(description="A budget baseline: its number, its total (the BAC) and its lines.")
class Baseline:
    project_id: strawberry.ID
    number: int = strawberry.field(description="1 for the first, one more per re-baseline.")
    bac: float = strawberry.field(description="The sum of the lines: the project's budget.")
    currency: str
    lines: list[BudgetLine] = strawberry.field(metadata=assumed_rows(36))


async def baseline_of(info: Info, project_id: uuid.UUID) -> int:
    """`project.baseline`: the number of its current baseline (0 before the first)."""
    return await info.context.loaders.baseline_by_project.load(project_id)
