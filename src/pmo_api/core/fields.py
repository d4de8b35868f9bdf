"""Bounded field types shared by request schemas: every input has a size limit."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000; refusing it here keeps both databases alike.
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


NoNul = AfterValidator(_no_nul)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul]
Person = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoNul]
LongText = Annotated[str, StringConstraints(max_length=20_000), NoNul]
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), NoNul]
ItemList = Annotated[list[Item], Field(max_length=100)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NoNul]
TagList = Annotated[list[Tag], Field(max_length=50)]
Weight = Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]
# A free-text grouping (cost and budget categories, risk categories).
Category = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul
]
