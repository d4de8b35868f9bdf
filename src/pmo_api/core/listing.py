"""What every list endpoint shares: its query parameters, page fetch and envelope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request

from pmo_api.core.pagination import Sort
from pmo_api.core.responses import JSONResponse

MAX_LIMIT = 500


@dataclass(frozen=True)
class ListQuery:
    limit: int
    cursor: str | None
    sort: str | None
    q: str | None
    updated_since: datetime | None


def list_query(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page, 1 to 500.")] = 50,
    cursor: Annotated[
        str | None,
        Query(max_length=2000, description="`next_cursor` of the previous page."),
    ] = None,
    sort: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Comma-separated fields, `-` for descending, e.g. `-updated_at,name`.",
        ),
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Text search.")
    ] = None,
    updated_since: Annotated[
        datetime | None,
        Query(
            description="Only rows changed at or after this RFC 3339 timestamp "
            "(UTC when no offset is given): for incremental pulls."
        ),
    ] = None,
) -> ListQuery:
    if updated_since is not None and updated_since.tzinfo is None:
        updated_since = updated_since.replace(tzinfo=UTC)
    return ListQuery(limit, cursor, sort, q, updated_since)


def text_search(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of the columns, the same on both dialects."""
    needle = q.lower()
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))


async def fetch_page(
    conn: AsyncConnection, stmt: Select[Any], sort: Sort, query: ListQuery
) -> tuple[Sequence[RowMapping], str | None]:
    """One page in sort order, and the cursor of the next page (None on the last)."""
    if query.cursor:
        stmt = stmt.where(sort.after(sort.decode(query.cursor)))
    stmt = stmt.order_by(*sort.order_by()).limit(query.limit + 1)
    rows = (await conn.execute(stmt)).mappings().all()
    if len(rows) > query.limit:
        return rows[: query.limit], sort.cursor_for(rows[query.limit - 1])
    return rows, None


def page_response(
    request: Request, data: list[dict[str, Any]], next_cursor: str | None
) -> JSONResponse:
    headers = {}
    if next_cursor is not None:
        next_url = request.url.include_query_params(cursor=next_cursor)
        headers["Link"] = f'<{next_url}>; rel="next"'
    return JSONResponse({"data": data, "next_cursor": next_cursor}, headers=headers)


ListQueryDep = Annotated[ListQuery, Depends(list_query)]
