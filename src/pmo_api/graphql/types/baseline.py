"""`Baseline` (what a re-baseline answers), and `project.baseline` (its current number)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import strawberry

from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.types.budget_line import MAX_LINES, BudgetLine


@strawberry.type(description="A budget baseline: its number, its total (the BAC) and its lines.")
class Baseline:
    project_id: strawberry.ID
    number: int = strawberry.field(description="1 for the first, one more per re-baseline.")
    bac: float = strawberry.field(description="The sum of the lines: the project's budget.")
    currency: str
    change_request_id: strawberry.ID | None = strawberry.field(
        description="The change request whose approval made it, if one did (REST also shows it "
        "on each line)."
    )
    lines: list[BudgetLine] = strawberry.field(metadata=bounded(MAX_LINES))

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Baseline:
        """From budget.service.baseline_json (what REST's re-baseline answers too)."""
        return cls(
            project_id=strawberry.ID(str(body["project_id"])),
            number=body["baseline"],
            bac=body["bac"],
            currency=body["currency"],
            change_request_id=(
                None
                if body["change_request_id"] is None
                else strawberry.ID(str(body["change_request_id"]))
            ),
            lines=[from_body(BudgetLine, line) for line in body["lines"]],
        )


async def baseline_of(info: Info, project_id: uuid.UUID) -> int:
    """`project.baseline`: the number of its current baseline (0 before the first)."""
    return await info.context.loaders.baseline_by_project.load(project_id)
