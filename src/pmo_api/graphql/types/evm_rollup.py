"""`EvmRollup`: a portfolio's earned value."""

from __future__ import annotations

import strawberry

from pmo_api.graphql.types.earned_value import EarnedValue


@strawberry.type(
    description="Sums of the projects' BAC, PV, EV and AC, every index computed from those sums."
)
class EvmRollup(EarnedValue):
    pass
