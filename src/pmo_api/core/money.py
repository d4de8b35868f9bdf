"""Money crosses the API edge as a JSON number with at most 2 decimals and is stored as integer
minor units (cents), whatever the currency: exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from pmo_api.core.fields import exact_decimal

# A trillion in any currency: far above any project budget, and far below the 2**53 limit under
# which every cent value survives the trip through a JSON (binary floating point) number exactly.
MONEY_LIMIT = Decimal("1000000000000")

Money = Annotated[
    Decimal,
    Field(max_digits=15, decimal_places=2, ge=-MONEY_LIMIT, le=MONEY_LIMIT),
    exact_decimal(2, minimum=-int(MONEY_LIMIT), maximum=int(MONEY_LIMIT)),
]
NonNegativeMoney = Annotated[
    Decimal,
    Field(max_digits=15, decimal_places=2, ge=0, le=MONEY_LIMIT),
    exact_decimal(2, maximum=int(MONEY_LIMIT)),
]


def to_minor(amount: Decimal) -> int:
    """Decimal amount → integer cents (the schema already limits it to 2 decimals)."""
    return int(amount.scaleb(2).to_integral_value())


def from_minor(cents: int | None) -> float | None:
    """Integer cents → JSON number. n/100 is correctly rounded, and the shortest repr of that
    double is the exact 2-decimal string for every |n| < 2**53, so nothing is lost on the wire."""
    return None if cents is None else cents / 100
