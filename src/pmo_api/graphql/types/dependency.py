"""The `Dependency` type (its ends, which may be hidden, and the chain that puts it at risk),
and `milestone.predecessors` / `milestone.successors`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.dependencies import service
from pmo_api.dependencies.at_risk import MAX_DEPTH
from pmo_api.dependencies.models import DependencyType as DependencyType
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded

# A milestone's predecessors (or successors) shown at most, in creation order.
MOST_LINKS = 500

strawberry.enum(DependencyType)


@strawberry.type(
    description="One end of a dependency. A milestone the caller may not see has hidden true "
    "and every other field null."
)
class MilestoneEnd:
    hidden: bool
    id: strawberry.ID | None = None
    name: str | None = None
    project_id: strawberry.ID | None = None
    project_code: str | None = None
    planned_date: date | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> MilestoneEnd:
        if body["hidden"]:
            return cls(hidden=True)
        return cls(
            hidden=False,
            id=strawberry.ID(str(body["id"])),
            name=body["name"],
            project_id=strawberry.ID(str(body["project_id"])),
            project_code=body["project_code"],
            planned_date=body["planned_date"],
        )


@strawberry.type
class Dependency:
    id: strawberry.ID
    predecessor: MilestoneEnd
    successor: MilestoneEnd
    type: DependencyType
    lag_days: int
    hard: bool
    note: str | None
    at_risk: bool = strawberry.field(
        description="The successor is pushed past its planned date through this dependency."
    )
    pushed_to: date | None
    slip_days: int | None
    chain: list[MilestoneEnd] = strawberry.field(
        description="The milestones whose slip causes it (ids only, or hidden).",
        metadata=bounded(MAX_DEPTH + 1),
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Dependency:
        body = service.dependency_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            predecessor=MilestoneEnd.of(body["predecessor"]),
            successor=MilestoneEnd.of(body["successor"]),
            type=DependencyType(body["type"]),
            lag_days=body["lag_days"],
            hard=body["hard"],
            note=body["note"],
            at_risk=body["at_risk"],
            pushed_to=body["pushed_to"],
            slip_days=body["slip_days"],
            chain=[
                MilestoneEnd(hidden=True)
                if link["hidden"]
                else MilestoneEnd(hidden=False, id=strawberry.ID(str(link["id"])))
                for link in body["chain"]
            ],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


async def dependencies_of(info: Info, milestone_id: uuid.UUID, direction: str) -> list[Dependency]:
    """`milestone.predecessors` (`in`) and `milestone.successors` (`out`), batched."""
    rows = await info.context.loaders.dependencies_by_milestone.load((milestone_id, direction))
    return [Dependency.from_row(row) for row in rows[:MOST_LINKS]]
