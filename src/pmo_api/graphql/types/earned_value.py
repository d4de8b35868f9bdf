"""`EarnedValue`: the figures every earned-value type shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from pmo_api.evm.formulas import FIGURES


@strawberry.interface(
    description="Earned-value figures (CONTRACT §4): money with 2 decimals, ratios and percents "
    "with 4; null where a division by zero leaves a figure undefined."
)
class EarnedValue:
    bac: float
    pv: float
    ev: float
    ac: float
    cv: float
    sv: float
    cv_percent: float | None
    sv_percent: float | None
    cpi: float | None
    spi: float | None
    eac: float | None
    eac_atypical: float
    eac_composite: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None
    percent_complete: float | None
    percent_spent: float | None


def figures_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """The EarnedValue fields of a body that holds them (and more)."""
    return {name: body[name] for name in FIGURES}
