"""What every list endpoint shares: its query parameters, page fetch and envelope."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request

from pmo_api.core.errors import Invalid
from pmo_api.core.inputs import QueryModel
from pmo_api.core.pagination import Sort, as_utc
from pmo_api.core.responses import JSONResponse

MAX_LIMIT = 500

T = TypeVar("T")
F = TypeVar("F")


@dataclass(frozen=True)
class ListQuery:
    limit: int
    cursor: str | None
    sort: str | None
    q: str | None
    updated_since: datetime | None


def query_timestamp(value: datetime | None, name: str) -> datetime | None:
    """A timestamp query parameter in UTC (no offset given: UTC); 422 if UTC cannot hold it."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return as_utc(value)
    except ValueError:
        raise Invalid.field(
            ["query", name], "timestamp is out of range once converted to UTC", "datetime_range"
        ) from None


# A feed's query names its lists of portfolios and projects in the singular (`portfolio_id`,
# `project`: repeat for OR); a filter in the plural, since its `project` is the one project of a
# project's own list, which comes from the path.
_FEED_LISTS = {
    "portfolio_ids": "portfolio_id",
    "program_ids": "program_id",
    "projects": "project",
}


def filter_of(
    kind: type[F], params: BaseModel, *, since_at: str = "updated_since", **given: Any
) -> F:
    """The list filter `kind` (a dataclass) from the validated query `params`: each field is
    what `given` says, else the query's field of that name (a feed's lists: `_FEED_LISTS`),
    several values as a tuple (filters are hashable: part of a DataLoader's key), and the
    query's `updated_since` in UTC (`since_at`: its name in the caller's errors). `project` is never
    read from the query."""
    fields = type(params).model_fields
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        name = _FEED_LISTS.get(field.name, field.name)
        if field.name in given:
            values[field.name] = given[field.name]
        elif name in fields and field.name != "project":
            value = getattr(params, name)
            if name == "updated_since":
                value = query_timestamp(value, since_at)
            values[field.name] = tuple(value) if isinstance(value, list) else value
    return kind(**values)


def narrowing(filter: Any, *leave: str) -> dict[str, Any]:
    """A list filter's fields (a dataclass's) as the keywords of its repository's narrowing
    query, but those the service resolves itself (`leave`: the one project of a list)."""
    fields = dataclasses.fields(filter)
    return {f.name: getattr(filter, f.name) for f in fields if f.name not in leave}


def check_text(name: str, values: Sequence[object]) -> None:
    """Filter values reach SQL: a NUL (which PostgreSQL text cannot hold) is a 422."""
    for value in values:
        if isinstance(value, str) and "\x00" in value:
            raise Invalid.field(["query", name], "must not contain NUL (U+0000)", "string_nul")


class ListParams(QueryModel):
    """The query parameters every list shares, as one model: FastAPI validates a query model
    in one pydantic pass, several times cheaper than a dozen separate parameters. Lists add
    their filters by subclassing (repeat a filter for OR: `status=active&status=on_hold`)."""

    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="Rows per page, 1 to 500.")
    cursor: str | None = Field(
        default=None,
        max_length=2000,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="`next_cursor` of the previous page (opaque; only one this list issued "
        "for this sort is taken).",
    )
    sort: str | None = Field(
        default=None,
        max_length=200,
        description="Comma-separated fields, `-` for descending, e.g. `-updated_at,name`.",
    )
    q: str | None = Field(default=None, min_length=1, max_length=200, description="Text search.")
    updated_since: datetime | None = Field(
        default=None,
        description="Only rows changed at or after this RFC 3339 timestamp "
        "(UTC when no offset is given): for incremental pulls.",
    )
    format: Literal["json", "csv"] | None = Field(
        default=None, description="`csv` streams every matching row as CSV (as `Accept: text/csv`)."
    )

    def list_query(self) -> ListQuery:
        return ListQuery(
            self.limit,
            self.cursor,
            self.sort,
            self.q,
            query_timestamp(self.updated_since, "updated_since"),
        )


def sorted_by(*names: str) -> Any:
    """The `sort` parameter of a list whose rows sort by `names` (the keys of the list's sort
    table in its repository; tests/contract/test_sorts.py holds them to the server's own), as a
    pattern, so that the spec says which sorts are taken: comma-separated names, each after
    any `-` (descending) or `+`. A name given twice is refused (422 `sort_repeat`), which a
    pattern cannot say (docs/errors.md: rules the spec cannot express)."""
    name = "(" + "|".join(sorted(names)) + ")"
    token = f" *[-+]*{name} *"
    return Field(
        default=None,
        max_length=200,
        pattern=f"^({token}(,{token})*)?$",
        description="Comma-separated fields, `-` for descending, e.g. `-updated_at,name`; "
        "sortable: " + ", ".join(f"`{n}`" for n in sorted(names)) + ".",
    )


def text_search(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of the columns, the same on both dialects."""
    check_text("q", [q])
    needle = q.lower()
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))


def narrowed(
    stmt: Select[Any],
    table: Any,
    *,
    among: Sequence[tuple[ColumnElement[Any], Sequence[Any]]] = (),
    q: str | None = None,
    search: Sequence[ColumnElement[Any]] = (),
    updated_since: datetime | None = None,
) -> Select[Any]:
    """`stmt` narrowed as every list narrows: each `(column, values)` of `among` to those values
    (an OR; no values: no filter), `q` over the `search` columns, and `updated_since` on the
    table's `updated_at` (the incremental pull)."""
    for column, values in among:
        if values:
            stmt = stmt.where(column.in_(values))
    if q:
        stmt = stmt.where(text_search(q, *search))
    if updated_since:
        stmt = stmt.where(table.c.updated_at >= updated_since)
    return stmt


async def fetch_page(
    conn: AsyncConnection,
    stmt: Select[Any],
    sort: Sort,
    query: ListQuery,
    *,
    positional: bool = False,
) -> tuple[Sequence[Any], str | None]:
    """One page in sort order, and the cursor of the next page (None on the last). Rows are
    mappings, or plain positional rows when `positional` (cheaper, for wide pages)."""
    if query.cursor:
        stmt = stmt.where(sort.after(sort.decode(query.cursor)))
    stmt = stmt.order_by(*sort.order_by()).limit(query.limit + 1)
    result = await conn.execute(stmt)
    rows: Sequence[Any] = result.all() if positional else result.mappings().all()
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        return rows[: query.limit], sort.cursor_for(last._mapping if positional else last)
    return rows, None


@dataclass(frozen=True)
class Listing:
    """What a list service returns: the rows that match, in their order, not yet read. A
    transport reads one page of them (JSON, GraphQL) or streams them all (CSV)."""

    stmt: Select[Any]
    sort: Sort

    async def page(
        self, conn: AsyncConnection, query: ListQuery
    ) -> tuple[Sequence[Any], str | None]:
        return await fetch_page(conn, self.stmt, self.sort, query)


async def stream_rows(
    conn: AsyncConnection, stmt: Select[Any], sort: Sort
) -> AsyncIterator[RowMapping]:
    """Every matching row in sort order, fetched in batches (never all held in memory)."""
    result = await conn.stream(stmt.order_by(*sort.order_by()))
    async for partition in result.mappings().partitions(1000):
        for row in partition:
            yield row


async def stream_batches(
    conn: AsyncConnection, stmt: Select[Any], sort: Sort, size: int, *, positional: bool = False
) -> AsyncIterator[Sequence[Any]]:
    """Every matching row in sort order, `size` at a time: for streams that read something
    more about each batch of rows (one statement per batch) on the same connection. Rows are
    mappings, or plain positional rows when `positional` (as fetch_page's)."""
    result = await conn.stream(stmt.order_by(*sort.order_by()))
    batches = result.partitions(size) if positional else result.mappings().partitions(size)
    async for partition in batches:
        yield partition


class Page(BaseModel, Generic[T]):
    # The envelope of a list page (page_response). Subclass it parametrized, under the name the
    # OpenAPI component has (`class CostPage(Page[CostOut]): pass`): no docstring here, so that
    # the subclasses' schemas get no description they did not have.
    data: list[T]
    next_cursor: str | None


def page_response(
    request: Request, data: list[dict[str, Any]], next_cursor: str | None
) -> JSONResponse:
    headers = {}
    if next_cursor is not None:
        next_url = request.url.include_query_params(cursor=next_cursor)
        headers["Link"] = f'<{next_url}>; rel="next"'
    return JSONResponse({"data": data, "next_cursor": next_cursor}, headers=headers)


def many() -> Any:
    """A repeatable filter parameter (`?status=a&status=b`): OR of its values, at most 50."""
    return Field(default_factory=list, max_length=50)
