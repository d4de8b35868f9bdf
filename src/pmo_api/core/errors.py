"""Domain errors and their RFC 9457 problem+json rendering.

Services raise these; handlers render them. Each error carries its own status and problem
`type`, so the same error reads the same in REST and GraphQL.
"""

from __future__ import annotations

from typing import Any, TypeVar

PROBLEM_BASE = "https://pmo-api.dev/problems/"

T = TypeVar("T")


class DomainError(Exception):
    status: int = 400
    type_slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.type_slug


class MalformedRequest(DomainError):
    status, type_slug, title = 400, "malformed-request", "Malformed request"


class NotAuthenticated(DomainError):
    status, type_slug, title = 401, "not-authenticated", "Not authenticated"


class Forbidden(DomainError):
    status, type_slug, title = 403, "forbidden", "Forbidden"


class NotFound(DomainError):
    status, type_slug, title = 404, "not-found", "Not found"


def found(row: T | None, what: str) -> T:
    """`row`, or a 404 saying that `what` (its kind and id: "milestone <id>") does not exist."""
    if row is None:
        raise NotFound(f"{what} does not exist")
    return row


class Conflict(DomainError):
    status, type_slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(DomainError):
    status, type_slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(DomainError):
    status, type_slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(DomainError):
    status, type_slug, title = 415, "unsupported-media-type", "Unsupported media type"


class Invalid(DomainError):
    """Payload validation (422). Business rules that the data breaks are `Conflict` (409)."""

    status, type_slug, title = 422, "validation-error", "Validation failed"

    @classmethod
    def field(cls, loc: list[str | int], msg: str, type_: str = "value_error") -> Invalid:
        return cls(msg, errors=[{"loc": loc, "msg": msg, "type": type_}])


class ServiceUnavailable(DomainError):
    status, type_slug, title = 503, "service-unavailable", "Service unavailable"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_uri: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type_uri, "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    if instance is not None:
        body["instance"] = instance
    return body
