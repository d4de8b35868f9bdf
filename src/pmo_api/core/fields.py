"""Bounded field types shared by request schemas: every input has a size limit."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Person = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ItemList = Annotated[list[Item], Field(max_length=100)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
TagList = Annotated[list[Tag], Field(max_length=50)]
Weight = Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]
