"""`Milestone` (and its `MilestoneStatus`), and `project.milestones`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.context import Info
from pmo_api.schedule import service
from pmo_api.schedule.models import MilestoneStatus as MilestoneStatus

# The GraphQL enum is the domain's own StrEnum, marked in place (its members' names are the
# GraphQL names); imported from here by whoever uses it in GraphQL.
strawberry.enum(MilestoneStatus, name="MilestoneStatus")


@strawberry.type
class Milestone:
    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    description: str | None
    due_date: date = strawberry.field(description="The baseline date.")
    forecast_date: date | None
    completed_on: date | None
    weight: float = strawberry.field(description="Against its siblings, for earned value (> 0).")
    is_gate: bool = strawberry.field(description="A stage gate that needs a decision.")
    status: MilestoneStatus = strawberry.field(
        description="COMPLETED when completedOn is set, OVERDUE when not and dueDate is before "
        "today, else UPCOMING."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Milestone:
        body = service.milestone_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            name=body["name"],
            description=body["description"],
            due_date=body["due_date"],
            forecast_date=body["forecast_date"],
            completed_on=body["completed_on"],
            weight=body["weight"],
            is_gate=body["is_gate"],
            status=MilestoneStatus(body["status"]),
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


async def milestones_of(info: Info, project_id: uuid.UUID) -> list[Milestone]:
    """`project.milestones`, through its DataLoader."""
    rows = await info.context.loaders.milestones_by_project.load(project_id)
    return [Milestone.from_row(row) for row in rows]
