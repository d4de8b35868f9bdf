"""CSV for BI tools: every matching row, streamed in chunks, flat columns, no pagination."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Send

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


# Up to this much of an export is made before the status line is sent (see below).
WHOLE_BYTES = 1 << 20


class CsvStreamingResponse(StreamingResponse):
    """A stream whose first megabyte is made before the status line is sent: a database that
    is down or busy when an export starts, or that fails while the first megabyte is read, is
    answered like any other request (503 with Retry-After, through the exception handlers), not
    as a 200 cut short; so an export of up to 1 MiB is answered whole or not at all (the fault
    test restarting PostgreSQL under a running export saw one cut short when only its first
    chunk was held). A failure later in a larger stream can only abort it (the client sees an
    incomplete chunked body). Memory per export stays bounded by WHOLE_BYTES."""

    async def stream_response(self, send: Send) -> None:
        chunks = aiter(self.body_iterator)
        held: list[str | bytes | memoryview] = []
        size = 0
        while size < WHOLE_BYTES:
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                break
            held.append(chunk)
            size += len(chunk)

        async def rest() -> AsyncIterator[str | bytes | memoryview]:
            for chunk in held:
                yield chunk
            held.clear()
            async for chunk in chunks:
                yield chunk

        self.body_iterator = rest()
        await super().stream_response(send)


def wants_csv(request: Request) -> bool:
    """`?format=csv`, or an Accept header that asks for CSV rather than JSON."""
    fmt = request.query_params.get("format")
    if fmt is not None:
        return fmt.lower() == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


# A text cell that a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
# injection": `=HYPERLINK(...)` in a project name runs when an admin opens the export). Such a
# cell is written with a leading apostrophe, which spreadsheets show as text and never run.
# Numbers are never text here, so a negative amount stays a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` as a CSV cell a spreadsheet will not execute."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def flat(value: Any) -> Any:
    """A JSON value as one CSV cell: text made safe (safe_text), lists and objects as their
    JSON text (so a list cell splits back exactly, whatever its items contain: `["a","b|c"]`),
    timestamps in UTC with `Z`; numbers and booleans as they are."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def csv_header(columns: Sequence[str], *, line_end: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerow(columns)
    return buffer.getvalue()


def csv_bytes_response(
    columns: Sequence[str], chunks: AsyncIterator[bytes], *, filename: str
) -> StreamingResponse:
    """CSV whose rows arrive already formatted (PostgreSQL's COPY): the header, then the chunks.
    COPY ends lines with LF, so the header does too (every CSV reader takes either)."""

    async def body() -> AsyncIterator[bytes]:
        # The database is asked for the first rows before anything is sent (see above).
        first = await anext(chunks, b"")
        yield csv_header(columns, line_end="\n").encode() + first
        async for chunk in chunks:
            yield chunk

    return CsvStreamingResponse(
        body(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_response(
    columns: Sequence[str],
    rows: AsyncIterator[Any],
    *,
    filename: str,
    to_cells: Callable[[Any], Sequence[Any]] | None = None,
) -> StreamingResponse:
    async def body() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        count = 0
        async for row in rows:
            writer.writerow(to_cells(row) if to_cells else row)
            count += 1
            if count % 1000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return CsvStreamingResponse(
        body(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
