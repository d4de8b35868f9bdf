"""Deprecating an operation, as docs/versioning.md promises: one mark on its endpoint.

    @router.get("/api/v1/old-report", operation_id="old-report", ...)
    @deprecated(since=date(2027, 1, 4), sunset=date(2027, 7, 5), use="GET /api/v1/report")
    async def old_report(...) -> Response: ...

Every answer of the operation then carries `Deprecation` (RFC 9745, `@<unix seconds>` of
`since`), `Sunset` (RFC 8594, the HTTP date of `sunset`) and `Link: </openapi.json>;
rel="deprecation"`, and the OpenAPI document marks it `deprecated: true` with those response
headers (core/openapi_headers.py reads the mark). The policy is checked where it is written: a
sunset less than six months after the deprecation is refused at import. A field or parameter
is deprecated with pydantic's `Field(deprecated="use …")`, which marks it in the document; a
GraphQL field with strawberry's `deprecation_reason`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from typing import Any, TypeVar

from starlette.responses import Response

# docs/versioning.md: a deprecated operation lives at least six (calendar) months.
MINIMUM_MONTHS = 6
# The OpenAPI document, where the operation is marked and its description names the replacement.
POLICY_LINK = '</openapi.json>; rel="deprecation"; type="application/json"'
MARK = "__pmo_deprecation__"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Response]])


@dataclass(frozen=True)
class Deprecation:
    since: date
    sunset: date
    use: str  # the replacement, for the document's description

    def __post_init__(self) -> None:
        months = (self.sunset.year - self.since.year) * 12 + self.sunset.month - self.since.month
        if (months, self.sunset.day) < (MINIMUM_MONTHS, self.since.day):
            raise ValueError(
                f"a deprecated operation lives at least six months (docs/versioning.md): "
                f"sunset {self.sunset} is too soon after {self.since}"
            )

    def headers(self) -> dict[str, str]:
        since = datetime.combine(self.since, time(), UTC)
        sunset = datetime.combine(self.sunset, time(), UTC)
        return {
            "Deprecation": f"@{int(since.timestamp())}",
            "Sunset": format_datetime(sunset, usegmt=True),
        }


def deprecated(*, since: date, sunset: date, use: str) -> Callable[[Endpoint], Endpoint]:
    """Mark an endpoint (an `async def` returning a Response) deprecated from `since`, to be
    removed no earlier than `sunset`, in favour of `use`."""
    mark = Deprecation(since, sunset, use)
    headers = mark.headers()

    def wrap(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)  # FastAPI reads the signature through __wrapped__
        async def answered(*args: Any, **kwargs: Any) -> Response:
            response = await endpoint(*args, **kwargs)
            response.headers.update(headers)
            response.headers.append("Link", POLICY_LINK)
            return response

        setattr(answered, MARK, mark)
        return answered  # type: ignore[return-value]

    return wrap


def deprecation_of(endpoint: Any) -> Deprecation | None:
    found: Deprecation | None = getattr(endpoint, MARK, None)
    return found
