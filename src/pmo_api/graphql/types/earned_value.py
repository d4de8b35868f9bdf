"""`EarnedValue`: the figures every earned-value type shows."""

from __future__ import annotations

import strawberry

from pmo_api.evm.schemas import Figures


@strawberry.experimental.pydantic.interface(
    model=Figures,
    all_fields=True,
    description="Earned-value figures (CONTRACT §4): money with 2 decimals, ratios and percents "
    "with 4; null where a division by zero leaves a figure undefined.",
)
class EarnedValue:
    pass
