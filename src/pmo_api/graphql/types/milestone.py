"""`Milestone` (and its `MilestoneStatus`), and `project.milestones`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.graphql.relay import own_id, page_size
from pmo_api.graphql.types.dependency import MOST_LINKS, Dependency, dependencies_of
from pmo_api.graphql.types.gate_review import GateReview, milestone_gate_reviews
from pmo_api.schedule import service
from pmo_api.schedule.models import MilestoneStatus as MilestoneStatus

# The GraphQL enum is the domain's own StrEnum, marked in place (its members' names are the
# GraphQL names); imported from here by whoever uses it in GraphQL.
strawberry.enum(MilestoneStatus, name="MilestoneStatus")


@strawberry.type
class Milestone(FromBody, body_of=service.milestone_json):
    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    description: str | None
    due_date: date = strawberry.field(description="The baseline date.")
    forecast_date: date | None
    completed_on: date | None
    weight: float = strawberry.field(description="Against its siblings, for earned value (> 0).")
    is_gate: bool = strawberry.field(description="A stage gate that needs a decision.")
    gate_key: str | None = strawberry.field(
        description="The gate of the project's methodology template it is (isGate then true)."
    )
    status: MilestoneStatus = strawberry.field(
        description="COMPLETED when completedOn is set, OVERDUE when not and dueDate is before "
        "today, else UPCOMING."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @strawberry.field(
        description="The reviews of this gate, in creation order (none for a milestone that is "
        "no gate)."
    )
    async def gate_reviews(self, info: Info, first: int = 20) -> list[GateReview]:
        return await milestone_gate_reviews(info, own_id(self.id), first)

    @strawberry.field(
        description="Its dependencies on predecessors (an end the caller may not see is "
        "hidden), the first 500 in creation order.",
        metadata=bounded(MOST_LINKS),
    )
    async def predecessors(self, info: Info) -> list[Dependency]:
        return await dependencies_of(info, own_id(self.id), "in")

    @strawberry.field(
        description="The dependencies of its successors on it, the first 500 in creation order.",
        metadata=bounded(MOST_LINKS),
    )
    async def successors(self, info: Info) -> list[Dependency]:
        return await dependencies_of(info, own_id(self.id), "out")


async def milestones_of(info: Info, project_id: uuid.UUID, first: int) -> list[Milestone]:
    """`project.milestones(first)`, through its DataLoader."""
    rows = await info.context.loaders.milestones_by_project.load((project_id, page_size(first)))
    return [Milestone.from_row(row) for row in rows]
