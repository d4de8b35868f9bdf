"""The HTTP headers of each operation in the OpenAPI document: the request headers it honours
(header parameters) and the headers its answers send (response headers), so that a generated
client can send and read them per call.

Each is derived from what the route does, not written per route, so the document cannot drift
from the server:

- `If-Match` (parameter): operations whose route takes the precondition dependency (412).
- `If-None-Match` (parameter): operations that answer 304 (`resource_response` compares it).
- `Idempotency-Key` (parameter): POSTs that create (answer 201): they run `run_idempotent`.
- `ETag`: 2xx answers of a versioned resource (a schema with `version`), 304s, and the
  baselines (their number); `Location`: 201 answers; `Idempotent-Replayed`: 2xx answers of an
  operation taking `Idempotency-Key` (a replay sets it).
- `Link`: answers of a page (`data` and `next_cursor`), naming the next page.
- `RateLimit-*`: 2xx, 3xx and 429 answers of an operation that needs a key (the rate limit
  middleware); `Retry-After`: 429 and 503 answers (`core/openapi.py`).
- `Deprecation`, `Sunset`: answers of a deprecated operation (`core/deprecation.py`).

`tests/contract/test_headers.py` checks each rule against the server's real answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from pmo_api.core.deprecation import Deprecation, deprecation_of
from pmo_api.core.http import get_precondition

_REF = "#/components/headers/"
_STRING = {"type": "string"}
_SECONDS = {"type": "integer", "minimum": 0}

# Reusable response headers (components/headers): declared once, referenced by every answer.
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The resource's version and a digest of this representation, "
        '`"<version>-<digest>"` (budget lines: `"<baseline>"`): send it back in '
        "`If-Match` to change it (only the version is compared), or in `If-None-Match` to read "
        "it only when anything in it changed.",
        "schema": {"type": "string", "pattern": '^"[0-9]+(-[0-9a-f]+)?"$'},
    },
    "Location": {"description": "The path of the resource created.", "schema": _STRING},
    "Link": {
        "description": 'The next page, `<url>; rel="next"`, when there is one (its cursor is '
        "also the body's `next_cursor`); on a deprecated operation, also "
        '`</openapi.json>; rel="deprecation"`.',
        "schema": _STRING,
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same `Idempotency-Key`, not a new write.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "RateLimit-Limit": {"description": "Requests a minute this key may make.", "schema": _SECONDS},
    "RateLimit-Remaining": {"description": "Requests left in this window.", "schema": _SECONDS},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", "schema": _SECONDS},
    "Deprecation": {
        "description": "This operation is deprecated (RFC 9745): `@<unix seconds>`, since when "
        "(docs/versioning.md).",
        "schema": {"type": "string", "pattern": "^@[0-9]+$"},
    },
    "Sunset": {
        "description": "After this HTTP date the deprecated operation may go (RFC 8594).",
        "schema": _STRING,
    },
}

PARAMETERS: dict[str, dict[str, Any]] = {
    "If-Match": {
        "description": "Only if the resource is still at this version (its `ETag`, or "
        '`"<version>"`; `*` for any): else 412, nothing written.',
        "schema": _STRING,
    },
    "If-None-Match": {
        "description": "The `ETag` the client holds: 304 without a body while it is current.",
        "schema": _STRING,
    },
    "Idempotency-Key": {
        "description": "A key of the client's (1 to 255 printable characters) that makes the "
        "POST safe to retry: within 24 hours the same key and body replay the first answer "
        "(`Idempotent-Replayed: true`); the same key with another body is a 422.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    },
}

# Answers whose ETag is not a resource's version: the project's current baseline number.
_BASELINE_ETAG = {"budget-lines-list", "budget-lines-replace"}


def _takes(dependant: Dependant, call: Any) -> bool:
    return any(d.call is call or _takes(d, call) for d in dependant.dependencies)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _schema(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of an answer (its `$ref` followed), or {}."""
    schema: dict[str, Any] = response.get("content", {}).get("application/json", {}).get("schema")
    schema = schema or {}
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return found
    return schema


def _parameter(operation: dict[str, Any], name: str, *, required: bool = False) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p["in"] == "header" and p["name"] == name for p in parameters):
        parameters.append({"name": name, "in": "header", "required": required, **PARAMETERS[name]})


def _send(response: dict[str, Any], name: str, *, required: bool = False) -> None:
    header: dict[str, Any] = _ref(name)
    if required:  # a $ref takes no siblings: a required header is written out
        header = {**RESPONSE_HEADERS[name], "required": True}
    response.setdefault("headers", {}).setdefault(name, header)


def declare_operation(
    document: dict[str, Any], operation: dict[str, Any], dependant: Dependant, method: str
) -> None:
    """Add the header parameters and response headers of one operation (rules above)."""
    responses: dict[str, dict[str, Any]] = operation["responses"]
    if _takes(dependant, get_precondition):
        _parameter(operation, "If-Match")
    if "304" in responses:
        _parameter(operation, "If-None-Match")
        _send(responses["304"], "ETag", required=True)
    idempotent = method == "post" and "201" in responses
    if idempotent:
        _parameter(operation, "Idempotency-Key")
    keyed = operation.get("security") != []
    for status, response in responses.items():
        if keyed and status[0] in "23":
            for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
                _send(response, name)
        if not status.startswith("2") or "content" not in response:
            continue
        properties = _schema(document, response).get("properties", {})
        if "version" in properties or operation.get("operationId") in _BASELINE_ETAG:
            _send(response, "ETag", required=True)
        if status == "201":
            _send(response, "Location", required=True)
        if idempotent:
            _send(response, "Idempotent-Replayed")
        if {"data", "next_cursor"} <= properties.keys():
            _send(response, "Link")
    if keyed and "429" in responses:
        for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
            responses["429"].setdefault("headers", {})[name] = _ref(name)


def declare_deprecation(operation: dict[str, Any], mark: Deprecation) -> None:
    """A deprecated operation (core/deprecation.py): marked, its replacement named, and the
    headers of every answer it gives declared."""
    operation["deprecated"] = True
    operation["description"] = (
        f"**Deprecated** since {mark.since}, may go after {mark.sunset}: use {mark.use}.\n\n"
        + operation.get("description", "")
    )
    for status, response in operation["responses"].items():
        if status[0] in "23":
            _send(response, "Deprecation", required=True)
            _send(response, "Sunset", required=True)
            _send(response, "Link")


def declare_headers(app: FastAPI, document: dict[str, Any]) -> None:
    """Every operation of `app`'s routes in `document`, by the rules above."""
    document["components"].setdefault("headers", {}).update(RESPONSE_HEADERS)
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.path_format:
            continue
        operations = document["paths"].get(context.path_format, {})
        for method in context.methods or ():
            operation = operations.get(method.lower())
            if operation is None:
                continue
            declare_operation(document, operation, route.dependant, method.lower())
            mark = deprecation_of(route.endpoint)
            if mark is not None:
                declare_deprecation(operation, mark)
