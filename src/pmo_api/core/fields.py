"""Bounded field types shared by request schemas: every input has a size limit."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000; refusing it here keeps both databases alike.
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


NoNul = AfterValidator(_no_nul)
# Text that must not be blank once stripped says so in its schema: a character that is not
# whitespace. `\s` differs between the dialects: the server's (Rust regex, Unicode White_Space)
# takes \x85 but not \ufeff, JSON Schema's (ECMA-262) the reverse, and str.strip also removes
# \x1c-\x1f; naming them all makes the server and the spec agree on every character.
_SPACE = r"\s\x1c-\x1f\x85\ufeff"
NOT_BLANK = rf"[^{_SPACE}]"
# An email address as far as the API checks one: something, `@`, something, no whitespace.
EMAIL = rf"^[^{_SPACE}@]+@[^{_SPACE}]+$"
# A web link: http(s), then no whitespace of either dialect (see _SPACE).
LINK = rf"^https?://[^{_SPACE}]+$"
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK),
    NoNul,
]
Person = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoNul]
LongText = Annotated[str, StringConstraints(max_length=20_000), NoNul]
Item = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NOT_BLANK),
    NoNul,
]
ItemList = Annotated[list[Item], Field(max_length=100)]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=NOT_BLANK),
    NoNul,
]
TagList = Annotated[list[Tag], Field(max_length=50)]
Weight = Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]
# A free-text grouping (cost and budget categories, risk categories).
Category = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NOT_BLANK),
    NoNul,
]


def exact_decimal(places: int, *, maximum: int, minimum: int = 0, positive: bool = False) -> Any:
    """The schema of an exact decimal input (money, weights, percents), to annotate a Decimal
    whose Field says the same (`decimal_places=places`, `le=maximum`, `ge=minimum` or `gt=0`
    when `positive`, `max_digits` the digits of `maximum` plus `places`): a JSON number, or a
    decimal numeral in a string, with at most `places` decimals, between `minimum` (0 or
    -`maximum`) and `maximum`, a power of ten. It says exactly what the server takes
    (core/inputs.py reads the string, pydantic the digits and bounds), so that any value the
    spec allows is accepted: the number's `multipleOf`, and the string's pattern, which spells
    out the digits, the bound and the trailing zeros pydantic ignores (`"1.500"`)."""
    whole = len(str(maximum)) - 1  # digits of the numbers below `maximum`
    assert maximum == 10**whole and minimum in (0, -maximum), "a power of ten, symmetric or >= 0"
    fraction = rf"(\.[0-9]{{1,{places}}}0*)?"
    if positive:
        below = rf"0*[1-9][0-9]{{0,{whole - 1}}}{fraction}|0+\.[0-9]{{0,{places - 1}}}[1-9]0*"
    else:
        below = rf"0*[0-9]{{1,{whole}}}{fraction}"
    sign = "-?" if minimum < 0 else ""
    number: dict[str, Any] = {
        "type": "number",
        "maximum": maximum,
        "multipleOf": float(Decimal(1).scaleb(-places)),
    }
    number["exclusiveMinimum" if positive else "minimum"] = minimum
    numeral = {
        "type": "string",
        "pattern": rf"^{sign}({below}|0*{maximum}(\.0+)?)$",
        "description": f'A decimal numeral, at most {places} decimals (`"12.50"`).',
    }
    return WithJsonSchema({"anyOf": [number, numeral]}, mode="validation")


# Hours worked on one day: more than 0, at most 24, two decimals; as a JSON number or a numeral
# (exact_decimal's bounds are powers of ten, so this one is spelled out).
HOURS_A_DAY = WithJsonSchema(
    {
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0, "maximum": 24, "multipleOf": 0.01},
            {
                "type": "string",
                "pattern": r"^(0*([1-9]|1[0-9]|2[0-3])(\.[0-9]{1,2}0*)?"
                r"|0+\.(0[1-9]|[1-9][0-9]?)0*|0*24(\.0+)?)$",
                "description": 'A decimal numeral, at most 2 decimals (`"7.50"`).',
            },
        ]
    },
    mode="validation",
)
