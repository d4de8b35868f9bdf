"""`RecordedCost`: what recordCost answers."""

from __future__ import annotations

import strawberry

from pmo_api.graphql.types.cost_entry import CostEntry


@strawberry.type
class RecordedCost:
    cost: CostEntry
    created: bool = strawberry.field(
        description="false when the project already had the externalRef: that entry was updated."
    )
