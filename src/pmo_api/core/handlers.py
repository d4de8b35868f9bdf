"""Exception handlers: every error leaves as RFC 9457 problem+json, none with a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path

from pmo_api.core.errors import PROBLEM_BASE, DomainError, problem
from pmo_api.core.responses import ProblemResponse
from pmo_api.db.faults import UNAVAILABLE, describe, is_unavailable

log = logging.getLogger("pmo_api.errors")

_HTTP_TITLES = {
    400: "Malformed request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
}


def _respond(
    status: int,
    title: str,
    detail: str,
    *,
    type_uri: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return ProblemResponse(
        problem(status, title, detail, type_uri=type_uri, errors=errors),
        status_code=status,
        headers=headers,
    )


def _loc(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    return [p if isinstance(p, int) else str(p) for p in loc]


def _methods_for(app: Any, path: str) -> set[str]:
    """The methods the API documents for a concrete path (from the OpenAPI paths, compiled once
    and kept on the app). A path written out in full (`/dependencies/at-risk`) answers with its
    own methods only, not those of a template it also matches (`/dependencies/{id}`): the
    router takes the static route first, so the template's methods are not allowed there."""
    table: dict[str, set[str]] | None = getattr(app.state, "method_table", None)
    if table is None:
        table = {
            template: {m.upper() for m in operations}
            for template, operations in app.openapi()["paths"].items()
        }
        app.state.method_table = table
        app.state.method_regexes = [(compile_path(t)[0], m) for t, m in table.items() if "{" in t]
    if path in table:
        return table[path]
    methods: set[str] = set()
    for regex, allowed in app.state.method_regexes:
        if regex.match(path):
            methods |= allowed
    return methods


def install(app: FastAPI, *, retry_after_seconds: int) -> None:
    async def domain_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        headers = {"Retry-After": str(retry_after_seconds)} if exc.status == 503 else None
        return _respond(
            exc.status,
            exc.title,
            exc.detail,
            type_uri=exc.type_uri,
            errors=exc.errors,
            headers=headers,
        )

    async def validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        raw = exc.errors()
        if any(e.get("type") == "json_invalid" for e in raw):
            # Not JSON at all: a malformed request (400), not an invalid one (422).
            where = next(e for e in raw if e.get("type") == "json_invalid")
            reason = where.get("ctx", {}).get("error", "invalid JSON")
            return _respond(
                400,
                "Malformed request",
                f"the body is not valid JSON: {reason}",
                type_uri=PROBLEM_BASE + "malformed-request",
            )
        errors = [
            {"loc": _loc(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in raw
        ]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return _respond(
            422,
            "Validation failed",
            detail,
            type_uri=PROBLEM_BASE + "validation-error",
            errors=errors,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 304:
            return Response(status_code=304, headers=exc.headers)
        title = _HTTP_TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            # Starlette names only the methods of the first route matching the path; GET and
            # POST of one collection are separate routes.
            allowed = _methods_for(request.app, request.url.path)
            headers = {**(headers or {}), "Allow": ", ".join(sorted(allowed))}
            detail = f"{request.method} is not allowed here; allowed: {', '.join(sorted(allowed))}"
        return _respond(exc.status_code, title, detail, headers=headers)

    async def integrity_error(_request: Request, exc: Exception) -> Response:
        # A backstop: services check uniqueness first; a race that slips past lands here.
        log.info("integrity error answered as 409", extra={"error": str(exc.__cause__ or exc)})
        return _respond(
            409,
            "Conflict",
            "the change conflicts with existing data (a duplicate or a reference "
            "that no longer holds); read the current state and retry",
            type_uri=PROBLEM_BASE + "conflict",
        )

    async def data_error(_request: Request, exc: Exception) -> Response:
        # A backstop, like integrity_error: validation should have caught the value first.
        log.info("data error answered as 422", extra={"error": str(exc.__cause__ or exc)})
        return _respond(
            422,
            "Validation failed",
            "a value is out of range or of the wrong kind for its field",
            type_uri=PROBLEM_BASE + "validation-error",
            errors=[],
        )

    async def database_unavailable(request: Request, exc: Exception) -> Response:
        # Lost connections, a restarting server, a full pool, a cancelled statement (db/faults.py):
        # worth a retry, not a bug. One line each: an outage answers many requests at once.
        if not is_unavailable(exc):
            return await unexpected(request, exc)
        log.warning("database unavailable", extra={"error": describe(exc)})
        return _respond(
            503,
            "Service unavailable",
            UNAVAILABLE,
            type_uri=PROBLEM_BASE + "service-unavailable",
            headers={"Retry-After": str(retry_after_seconds)},
        )

    async def unexpected(_request: Request, exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc)
        return _respond(500, "Internal server error", "an unexpected error occurred; it is logged")

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(DBAPIError, database_unavailable)
    app.add_exception_handler(PoolTimeout, database_unavailable)
    app.add_exception_handler(OSError, database_unavailable)  # refused, reset, timed out
    app.add_exception_handler(Exception, unexpected)
