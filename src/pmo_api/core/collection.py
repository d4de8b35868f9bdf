"""The answer of a list endpoint: a page of JSON, or every row as CSV."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.core.csvstream import csv_bytes_response, csv_response, flat, wants_csv
from pmo_api.core.listing import ListParams, fetch_page, page_response, stream_rows
from pmo_api.core.pagination import Sort
from pmo_api.db.copyout import copy_csv
from pmo_api.db.database import Database

Presenter = Callable[[Mapping[Any, Any]], dict[str, Any]]


async def list_response(
    request: Request,
    db: Database,
    stmt: Select[Any],
    sort: Sort,
    params: ListParams,
    present: Presenter,
    *,
    csv_columns: Sequence[str] | None = None,
    filename: str = "",
    copy: bool = False,
) -> Response:
    """A page of `stmt` in `sort` order, or every row as CSV when asked (and offered). With
    `copy`, whose `stmt` selects exactly `csv_columns`, PostgreSQL formats the CSV itself
    (db/copyout.py)."""
    if csv_columns is not None and wants_csv(request):
        if copy and db.driver_pool is not None:
            ordered = stmt.order_by(*sort.order_by())
            chunks = copy_csv(db, ordered, db.settings.export_timeout_ms)
            return csv_bytes_response(csv_columns, chunks, filename=filename)

        async def rows() -> AsyncIterator[Any]:
            async with db.snapshot() as conn:
                async for row in stream_rows(conn, stmt, sort):
                    yield row

        def cells(row: Any) -> list[Any]:
            body = present(row)
            return [flat(body[name]) for name in csv_columns]

        return csv_response(csv_columns, rows(), filename=filename, to_cells=cells)
    async with db.read() as conn:
        rows_, next_cursor = await fetch_page(conn, stmt, sort, params.list_query())
    return page_response(request, [present(r) for r in rows_], next_cursor)
