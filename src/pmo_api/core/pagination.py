"""Keyset (cursor) pagination with client-chosen sorting.

A page is read as `ORDER BY <sort keys>, id` with `WHERE (keys) > (cursor values)`, so a walk is
stable while other clients insert: no row is returned twice and none is skipped because rows
before it appeared. The cursor is opaque to clients (base64 of the last row's key values) and
remembers the sort it was made for, so it cannot be replayed against another sort.
"""

from __future__ import annotations

import base64
import binascii
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import orjson
from sqlalchemy import BigInteger, ColumnElement, SmallInteger, and_, case, false, or_

from pmo_api.core.errors import Invalid

Kind = Literal["str", "int", "float", "date", "datetime", "uuid"]


@dataclass(frozen=True)
class SortField:
    """A field a list may be sorted by: its API name, its column and how its values travel."""

    name: str
    column: ColumnElement[Any]
    kind: Kind
    nullable: bool = False


def tracked_sorts(table: Any) -> dict[str, SortField]:
    """The sort fields every tracked resource has: `id`, `created_at`, `updated_at`."""
    return {
        "id": SortField("id", table.c.id, "uuid"),
        "created_at": SortField("created_at", table.c.created_at, "datetime"),
        "updated_at": SortField("updated_at", table.c.updated_at, "datetime"),
    }


@dataclass(frozen=True)
class SortKey:
    field: SortField
    descending: bool

    @property
    def token(self) -> str:
        return ("-" if self.descending else "") + self.field.name


@dataclass(frozen=True)
class Sort:
    keys: tuple[SortKey, ...]  # the tie-breaking `id` key is always last

    @property
    def signature(self) -> str:
        return ",".join(k.token for k in self.keys)

    def order_by(self) -> list[ColumnElement[Any]]:
        return [expr.desc() if descending else expr for expr, descending in self._expanded()]

    def _expanded(self) -> list[tuple[ColumnElement[Any], bool]]:
        """Each key as (SQL expression, descending). A nullable column gets a leading `IS NULL`
        flag, always ascending, so that nulls sort last in both directions on both dialects
        (which disagree by default)."""
        out: list[tuple[ColumnElement[Any], bool]] = []
        for key in self.keys:
            if key.field.nullable:
                out.append((case((key.field.column.is_(None), 1), else_=0), False))
            out.append((key.field.column, key.descending))
        return out

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        """Rows strictly after the row whose expanded key values are `values`: the usual
        lexicographic OR-of-ANDs, written out because the directions may be mixed."""
        parts = self._expanded()
        alternatives: list[ColumnElement[bool]] = []
        for i, (expr, descending) in enumerate(parts):
            value = values[i]
            if value is None:
                continue  # within the NULL group nothing sorts after NULL: only later keys can
            beyond = expr < value if descending else expr > value
            prefix = [
                p_expr.is_(None) if v is None else p_expr == v
                for (p_expr, _d), v in zip(parts[:i], values[:i], strict=True)
            ]
            alternatives.append(and_(*prefix, beyond) if prefix else beyond)
        return or_(*alternatives) if alternatives else false()

    def cursor_for(self, row: Mapping[Any, Any]) -> str:
        values: list[Any] = []
        for key in self.keys:
            value = row[key.field.name]
            if key.field.nullable:
                values.append(1 if value is None else 0)
            values.append(_to_json(value))
        payload = orjson.dumps({"s": self.signature, "v": values})
        return base64.urlsafe_b64encode(payload).decode().rstrip("=")

    def decode(self, cursor: str) -> list[Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            payload = orjson.loads(raw)
            if payload.get("s") != self.signature:
                raise ValueError("cursor made for another sort")
            values = payload["v"]
            out: list[Any] = []
            i = 0
            for key in self.keys:
                if key.field.nullable:
                    out.append(int(values[i]))
                    i += 1
                out.append(_from_json(values[i], key.field.kind, _int_limit(key.field)))
                i += 1
            if i != len(values):
                raise ValueError("cursor has extra values")
            return out
        except (ValueError, TypeError, KeyError, IndexError, binascii.Error, AttributeError):
            raise Invalid.field(
                ["query", "cursor"],
                "cursor is not one this list issued for this sort; start again without it",
                "cursor_invalid",
            ) from None


def parse_sort(raw: str | None, fields: Mapping[str, SortField], default: str) -> Sort:
    """`sort=-updated_at,name` → Sort; unknown or repeated fields are a 422 naming them."""
    text = raw if raw not in (None, "") else default
    assert text is not None
    keys: list[SortKey] = []
    seen: set[str] = set()
    for token in text.split(","):
        token = token.strip()
        descending = token.startswith("-")
        name = token.lstrip("-+")
        field = fields.get(name)
        if field is None:
            allowed = ", ".join(sorted(fields))
            raise Invalid.field(
                ["query", "sort"],
                f"cannot sort by '{name}'; sortable fields: {allowed}",
                "sort_unknown_field",
            )
        if name in seen:
            raise Invalid.field(["query", "sort"], f"'{name}' appears twice in sort", "sort_repeat")
        seen.add(name)
        keys.append(SortKey(field, descending))
    if "id" not in seen:
        keys.append(SortKey(fields["id"], False))
    return Sort(tuple(keys))


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _int_limit(field: SortField) -> int:
    """2**(bits-1) of the column's integer type: a cursor value outside it cannot be bound."""
    column_type = getattr(field.column, "type", None)
    if isinstance(column_type, SmallInteger):
        return 2**15
    if isinstance(column_type, BigInteger):
        return 2**63
    return 2**31


def _from_json(value: Any, kind: Kind, int_limit: int = 2**31) -> Any:
    """A cursor value back to its column's type. Cursors come from clients, so every value is
    checked as strictly as a request field: wrong type, out of range or NUL → ValueError."""
    if value is None:
        return None
    is_text = kind in ("datetime", "date", "uuid", "str")
    if is_text and (not isinstance(value, str) or "\x00" in value):
        raise TypeError("string expected")
    if kind == "datetime":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive timestamp in cursor")
        return as_utc(parsed)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "int":
        if type(value) is not int or not -int_limit <= value < int_limit:
            raise TypeError("integer in range expected")
        return value
    if kind == "float":
        if type(value) not in (int, float) or not math.isfinite(value):
            raise TypeError("finite number expected")
        return float(value)
    return value


def as_utc(value: datetime) -> datetime:
    """An aware timestamp in UTC; one that UTC cannot represent (year 1 or 9999 at the edge of a
    far offset) is a ValueError, for the caller to answer 422."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp out of range") from None
