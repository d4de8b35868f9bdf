"""JSON responses rendered by orjson: money already converted, UUIDs and UTC timestamps native."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _fallback(value: Any) -> Any:
    # asyncpg returns its own uuid.UUID subclass, which orjson only serialises by exact type.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_fallback, option=_OPTIONS)


class JSONResponse(StarletteJSONResponse):
    """A JSON response. A subclass of Starlette's so that FastAPI documents a route's
    `response_model` as its body (for any other response class it documents a string)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"
