"""Date arithmetic in SQL that the two dialects spell differently, as portable functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class month_start(FunctionElement[Any]):
    """The first day of the month of a date."""

    type = Date()
    inherit_cache = True
    name = "month_start"


@compiles(month_start, "postgresql")
def _month_start_pg(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


class day_number(FunctionElement[Any]):
    """A date as a day count (differences of two are days between them, as in Python's
    `date.toordinal()`)."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number, "postgresql")
def _day_number_pg(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '0001-01-01' + 1)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    # julianday of 0001-01-01 is 1721425.5; +1 matches toordinal() (0001-01-01 is day 1).
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(julianday({arg}) - 1721425.5 + 1 AS INTEGER)"
