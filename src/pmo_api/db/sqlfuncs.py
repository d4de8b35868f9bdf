"""Date arithmetic in SQL that the two dialects spell differently, as portable functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine


def _portable(name: str, type_: TypeEngine[Any], doc: str, **spelled: str) -> type[Any]:
    """A one-argument SQL function `name` of result `type_`, written per dialect by `spelled`
    (dialect name: a template whose `{arg}` is the compiled argument)."""
    function = type(name, (FunctionElement,), {"type": type_, "inherit_cache": True, "name": name})
    function.__doc__ = doc
    for dialect, template in spelled.items():

        def spell(element: Any, compiler: Any, template: str = template, **kw: Any) -> str:
            return template.format(arg=compiler.process(element.clauses, **kw))

        compiles(function, dialect)(spell)
    return function


month_start = _portable(
    "month_start",
    Date(),
    "The first day of the month of a date.",
    postgresql="CAST(date_trunc('month', {arg}) AS DATE)",
    sqlite="date({arg}, 'start of month')",
)

# julianday of 0001-01-01 is 1721425.5; +1 matches toordinal() (0001-01-01 is day 1).
day_number = _portable(
    "day_number",
    Integer(),
    """A date as a day count (differences of two are days between them, as in Python's
    `date.toordinal()`).""",
    postgresql="({arg} - DATE '0001-01-01' + 1)",
    sqlite="CAST(julianday({arg}) - 1721425.5 + 1 AS INTEGER)",
)
