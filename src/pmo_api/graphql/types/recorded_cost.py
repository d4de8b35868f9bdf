"""`RecordedCost`: what recordCost answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from pmo_api.graphql.types.cost_entry import CostEntry


@strawberry.type
class RecordedCost:
    cost: CostEntry
    created: bool = strawberry.field(
        description="false when the project already had the externalRef: that entry was updated."
    )

    @classmethod
    def from_result(cls, result: tuple[Mapping[Any, Any], bool]) -> RecordedCost:
        """From budget.service.record_cost: the entry, and whether it was created."""
        row, was_created = result
        return cls(cost=CostEntry.from_row(row), created=was_created)
