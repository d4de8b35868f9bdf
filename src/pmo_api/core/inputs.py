"""Input values as the contract types them, not as pydantic's lax mode would coerce them.

Pydantic, validating the parsed JSON of a body or the strings of a query, takes more than the
OpenAPI document allows: `true` for a number or an integer, `"12.5"` for a number, `1` or
`"yes"` for a boolean, `0` or `"0"` for a date (the Unix epoch). A client that sends those gets
a guess instead of an error, and the spec (what BI tools and generated clients are built from)
no longer says what the server takes. Strict mode cannot be switched on instead: FastAPI
validates the already-parsed JSON in Python mode, where strict also refuses a date given as a
string.

So every request model derives from `JsonBody` (bodies) or `QueryModel` (query parameters),
and one check runs before each field's own validation, chosen by the field's declared type:

- a boolean: `true` or `false` (in a query too: not `1`, `yes` or `on`);
- an integer or a number: in a body, a JSON number, not a boolean or a string (a query's text
  is parsed by pydantic as before); an exact decimal (money, weights, percents) may also be a
  decimal numeral in a string, `"1234.50"`, as the spec says, but not `"1e3"` or `"NaN"`;
- a date: `YYYY-MM-DD`, as text (not a number of seconds);
- a date-time: RFC 3339, as text; in a query the offset may be left out (UTC).

Other types (strings, enums, lists, UUIDs) are already typed strictly enough by pydantic.
"""

from __future__ import annotations

import re
import types
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

Kind = Literal["bool", "integer", "number", "decimal", "date", "datetime"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Money, weights and percents (Decimal) are exact: the spec takes them as a JSON number or as a
# decimal numeral in a string ("1234.50"), which a client holding exact decimals may prefer.
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# RFC 3339's date-time; the offset is optional here (absent: UTC, as the API documents), and a
# space is not taken for the T (RFC 3339 allows it only by mutual agreement).
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?")
_EXPECTED = {
    "bool": "a boolean (true or false)",
    "integer": "an integer",
    "number": "a number",
    "decimal": "a number, or a decimal numeral as a string",
    "date": "a date, YYYY-MM-DD",
    "datetime": "an RFC 3339 date-time, e.g. 2026-01-31T09:00:00Z",
}


def _kind_of(annotation: Any) -> Kind | None:
    """The kind of a field's type, through Annotated and Optional; None for other types."""
    if get_origin(annotation) is Annotated:
        return _kind_of(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = {_kind_of(arg) for arg in get_args(annotation) if arg is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if not isinstance(annotation, type):
        return None
    # Subclasses first: bool is an int, datetime is a date.
    for base, kind in (
        (bool, "bool"),
        (int, "integer"),
        (float, "number"),
        (Decimal, "decimal"),
        (datetime, "datetime"),
        (date, "date"),
    ):
        if issubclass(annotation, base):
            return kind  # type: ignore[return-value]
    return None


@cache
def _kinds(model: type[BaseModel]) -> dict[str, Kind | None]:
    return {name: _kind_of(field.annotation) for name, field in model.model_fields.items()}


def _refuse(kind: Kind, value: Any) -> PydanticCustomError:
    found = "a boolean" if isinstance(value, bool) else f"{type(value).__name__} {value!r}"
    return PydanticCustomError(
        "json_type",
        "must be {expected}, not {found}",
        {"expected": _EXPECTED[kind], "found": found[:80]},
    )


def _text_matches(kind: Kind, value: str) -> bool:
    if kind == "date":
        return _DATE.fullmatch(value) is not None
    if kind == "datetime":
        return _DATETIME.fullmatch(value) is not None
    if kind == "bool":
        return value in ("true", "false")
    if kind == "decimal":
        return _DECIMAL.fullmatch(value) is not None
    return True  # integers and numbers in a query: pydantic parses the text


# Dates run to 9999-12-30 on both databases: PostgreSQL's driver (asyncpg) sends the last day
# of the calendar, 9999-12-31, as `infinity`, which the date arithmetic of earned value refuses
# (a 500). Refused here, it is a 422 naming the field instead.
LAST_DATE = "9999-12-30"


def check(kind: Kind | None, value: Any, *, query: bool) -> Any:
    """The value, if it is of the kind as a body (`query` False) or a query gives it."""
    if kind is None or value is None:
        return value
    if isinstance(value, str):
        if query or kind in ("decimal", "date", "datetime"):
            if not _text_matches(kind, value):
                raise _refuse(kind, value)
            if kind == "date" and value > LAST_DATE:
                raise PydanticCustomError(
                    "date_range", "must be on or before {last}", {"last": LAST_DATE}
                )
            return value
        raise _refuse(kind, value)  # a string for a boolean or a number, in a body
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind in ("integer", "number", "decimal"):
        ok = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    elif kind == "datetime":
        ok = isinstance(value, datetime)
    else:
        ok = isinstance(value, date) and not isinstance(value, datetime)
    if ok:
        return value
    raise _refuse(kind, value)


class JsonBody(BaseModel):
    """Base of every request body: each field takes the JSON type its schema declares."""

    @field_validator("*", mode="before")
    @classmethod
    def _json_typed(cls, value: Any, info: ValidationInfo) -> Any:
        return check(_kinds(cls).get(info.field_name or ""), value, query=False)


class QueryModel(BaseModel):
    """Base of every model of query parameters: dates, date-times and booleans as the spec
    writes them (`YYYY-MM-DD`, RFC 3339, `true`/`false`), not as pydantic would guess."""

    @field_validator("*", mode="before")
    @classmethod
    def _query_typed(cls, value: Any, info: ValidationInfo) -> Any:
        kind = _kinds(cls).get(info.field_name or "")
        if isinstance(value, list):  # a repeated parameter (`?status=a&status=b`)
            return [check(kind, item, query=True) for item in value]
        return check(kind, value, query=True)


class AsOfParams(QueryModel):
    """A read as of a date: earned value, KPIs, the portfolio summary."""

    as_of: date | None = Field(default=None, description="Default: today (UTC).")
