"""JSON log lines, each carrying the id of the request that wrote it."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# The client's own X-Request-ID, when it sent a sane one: logged and audited next to ours.
correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        correlation_id = correlation_id_var.get()
        if correlation_id:
            entry["correlation_id"] = correlation_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str, *, json_lines: bool) -> None:
    handler = logging.StreamHandler(sys.stdout)
    if json_lines:
        handler.setFormatter(JSONFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own access log would duplicate ours (which has route, duration and request id).
    logging.getLogger("uvicorn.access").disabled = True


class AccessLog:
    """One line per request, written straight to stdout: the same JSON fields as every other
    log line (ts, level, logger, msg, request_id, …) without the logging module's per-record
    machinery (a LogRecord, a generic formatter and a flush per line cost about 0.1 ms, a fifth
    of a cached read). Lines are flushed by the stream's own buffering: at once on a terminal,
    in blocks when redirected to a file or a collector."""

    def __init__(self, *, json_lines: bool, stream: Any = None) -> None:
        self.json_lines = json_lines
        self.stream = stream if stream is not None else sys.stdout

    def write(self, *, method: str, path: str, route: str, status: int, duration_ms: float) -> None:
        now = datetime.now(UTC)
        if self.json_lines:
            entry = {
                "ts": now.isoformat(timespec="milliseconds"),
                "level": "INFO",
                "logger": "pmo_api.access",
                "msg": "request",
                "request_id": request_id_var.get(),
                "correlation_id": correlation_id_var.get(),
                "method": method,
                "path": path,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
            }
            line = orjson.dumps(entry).decode()
        else:
            line = f"{now:%Y-%m-%d %H:%M:%S} INFO pmo_api.access {method} {path} {status} "
            line += f"{duration_ms} ms"
        self.stream.write(line + "\n")
