"""CSV exports straight from PostgreSQL's `COPY (SELECT …) TO STDOUT WITH CSV`.

A million-row export through SQLAlchemy rows and Python's csv writer costs ~10 µs a row; COPY
formats the rows in the server and hands over ready CSV bytes, which are passed to the client
as they come. The statement is the same Core `select` that serves the JSON list (same
filters, same access scope, same order), with each column formatted as the JSON shows it:
money as its amount, timestamps in UTC with `Z`, and text made safe for spreadsheets as
core/csvstream.py makes it. A bounded queue between COPY and the
response means a slow client slows COPY down instead of filling memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Date, Float, Select, String, case, cast, func, literal, literal_column

from pmo_api.core.csvstream import FORMULA_STARTS
from pmo_api.core.errors import ServiceUnavailable
from pmo_api.db.database import Database
from pmo_api.db.faults import UNAVAILABLE, connection_lost, is_unavailable
from pmo_api.db.types import UTCDateTime

_QUEUED_CHUNKS = 16
_DONE = object()


def _formatted(column: Any) -> Any:
    """A column as its CSV cell: what the JSON body shows, as text PostgreSQL writes."""
    name = column.key
    if getattr(column, "info", {}).get("money"):
        # float8 division is the IEEE division the JSON does (cents / 100), and PostgreSQL
        # prints a float8 as its shortest round-trip form, as Python does.
        return (cast(column, Float) / 100).label(name)
    if isinstance(column.type, UTCDateTime):
        utc = column.op("AT TIME ZONE")(literal_column("'UTC'"))
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"').label(name)
    if isinstance(column.type, Date):
        return func.to_char(column, "YYYY-MM-DD").label(name)
    if isinstance(column.type, String):  # Text too: core/csvstream.safe_text, in SQL
        formula = func.substr(column, 1, 1).in_(FORMULA_STARTS)
        return case((formula, literal("'") + column), else_=column).label(name)
    return column


async def copy_csv(db: Database, statement: Select[Any], timeout_ms: int) -> AsyncIterator[bytes]:
    """The rows of `statement` (ordered as it says) as CSV without a header, in chunks."""
    formatted = statement.with_only_columns(
        *(_formatted(c) for c in statement.selected_columns), maintain_column_froms=True
    )
    # Filters like `IN (...)` bind a list: render it as one parameter per value.
    compiled = formatted.compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=_QUEUED_CHUNKS)

    async def chunk(data: bytes | bytearray) -> None:
        await queue.put(bytes(data))  # asyncpg's buffer is its own: keep a copy

    async def produce() -> None:
        lost = False
        try:
            # A bounded wait for a connection, as everywhere (a 503 rather than a hang).
            pool_timeout = db.settings.db_pool_timeout_seconds
            async with db.driver_pool.acquire(timeout=pool_timeout) as conn:
                copied = False
                try:
                    async with conn.transaction(readonly=True):
                        await conn.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
                        await conn.copy_from_query(
                            compiled.string, *args, output=chunk, format="csv"
                        )
                        copied = True
                except Exception:
                    lost = connection_lost(conn)
                    if not copied:
                        raise
                    # COPY had delivered every row of the read-only snapshot: a connection
                    # lost at COMMIT loses nothing of the export, which ends normally (the
                    # fault test once saw a whole export cut short by a restart at that step).
                    # The pool discards the closed connection.
            await queue.put(_DONE)
        except Exception as exc:  # handed to the consumer, which raises it
            if lost or is_unavailable(exc):
                unavailable = ServiceUnavailable(UNAVAILABLE)
                unavailable.__cause__ = exc
                exc = unavailable
            await queue.put(exc)

    task = asyncio.create_task(produce())
    try:
        while (item := await queue.get()) is not _DONE:
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
