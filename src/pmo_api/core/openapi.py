"""What the generated OpenAPI document cannot know from the routes alone: the answers of the
layers in front of every route (input guard, authentication, rate limit, database checks), the
`application/problem+json` body of every error, and `/graphql`, whose routes strawberry makes.

A client (or a fuzzer, `make fuzz`) reading the spec must find every status and content type the
service can send; the routes document their own successes and domain errors (`problems`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

_INTEGER = {"schema": {"type": "integer", "minimum": 0}}
_RETRY_AFTER = {"description": "Seconds to wait before retrying.", "required": True, **_INTEGER}
_RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {"description": "Requests a minute this key may make.", **_INTEGER},
    "RateLimit-Remaining": {"description": "Requests left in this window.", **_INTEGER},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", **_INTEGER},
}


def problem_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM: {"schema": PROBLEM_REF}},
    }
    if headers:
        response["headers"] = headers
    return response


# Answered before any route runs, so possible on every operation (or every one with a key).
_MALFORMED = problem_response("Malformed request (e.g. a NUL character in the URL)")
_TOO_LARGE = problem_response("Body too large (`PMO_MAX_BODY_BYTES`)")
_NO_KEY = problem_response(
    "No or bad credentials",
    {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
)
_RATE_LIMITED = problem_response(
    "Rate limited (`PMO_RATE_LIMIT_PER_MINUTE`)",
    {"Retry-After": _RETRY_AFTER, **_RATE_LIMIT_HEADERS},
)
_UNAVAILABLE = problem_response(
    "Database unavailable; retry after Retry-After", {"Retry-After": _RETRY_AFTER}
)

_GRAPHQL_RESULT = {
    "type": "object",
    "description": "A GraphQL response: `data`, and `errors` when something failed.",
    "properties": {
        "data": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        "errors": {"type": "array", "items": {"type": "object"}},
        "extensions": {"type": "object"},
    },
}
_GRAPHQL_REQUEST = {
    "type": "object",
    "required": ["query"],
    "properties": {
        "query": {"type": "string", "minLength": 1},
        "variables": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        "operationName": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
}
_GRAPHQL_REFUSED = {
    "description": "Not a GraphQL request (no query, not JSON, a mutation over GET, a batch)",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


def _graphql(paths: dict[str, Any]) -> None:
    """/graphql: strawberry documents a bare 200; say what it takes and answers."""
    operations = paths.get("/graphql", {})
    ok: dict[str, Any] = {
        "description": "The result (GraphQL errors, too, are a 200 with `errors`, except a "
        "database outage: a 503 problem, as everywhere)",
        "content": {"application/json": {"schema": _GRAPHQL_RESULT}},
    }
    if "get" in operations:
        get = operations["get"]
        get["description"] = (
            "A query in the URL (`?query=...&variables=...`), or the GraphiQL page for a browser "
            "(no query string, `Accept: text/html`, while `PMO_GRAPHQL_INTROSPECTION` is on)."
        )
        get["parameters"] = [
            {
                "name": "query",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "minLength": 1},
            },
            {  # JSON text of an object (strawberry refuses anything else with a 400)
                "name": "variables",
                "in": "query",
                "required": False,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            {
                "name": "operationName",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
            },
        ]
        get["responses"] = {
            "200": {
                **ok,
                "content": {
                    **ok["content"],
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "400": _GRAPHQL_REFUSED,
            "404": {"description": "No query, and the GraphiQL page is off"},
        }
    if "post" in operations:
        post = operations["post"]
        post["description"] = "A GraphQL operation (query or mutation)."
        post["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _GRAPHQL_REQUEST}},
        }
        post["responses"] = {"200": ok, "400": _GRAPHQL_REFUSED}


MERGE_PATCH = "application/merge-patch+json"


def _bodies(operations: dict[str, Any]) -> None:
    """What the routes declare, as the wire has it: a PATCH body is a JSON Merge Patch (RFC
    7396), and an upsert's 200 (`POST .../costs` with a known `external_ref`) is the same
    resource as its 201."""
    patch = operations.get("patch", {}).get("requestBody", {}).get("content", {})
    if "application/json" in patch:
        patch[MERGE_PATCH] = patch.pop("application/json")
    responses = operations.get("post", {}).get("responses", {})
    if "200" in responses and "201" in responses and "content" not in responses["200"]:
        responses["200"]["content"] = responses["201"]["content"]


def _amend(document: dict[str, Any], app: FastAPI) -> None:
    from pmo_api.core.http import Problem
    from pmo_api.core.openapi_csv import document_csv_paths
    from pmo_api.core.openapi_headers import declare_headers

    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    _graphql(document["paths"])
    for operations in document["paths"].values():
        _bodies(operations)
    declare_headers(app, document)
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", _MALFORMED)
            if "requestBody" in operation:
                responses.setdefault("413", _TOO_LARGE)
            if operation.get("security") == []:
                continue  # public: no key to check, no rate limit
            responses["401"] = _NO_KEY
            responses.setdefault("429", _RATE_LIMITED)
            responses.setdefault("503", _UNAVAILABLE)
            if "headers" not in responses["503"] and PROBLEM in responses["503"].get("content", {}):
                responses["503"]["headers"] = {"Retry-After": _RETRY_AFTER}
    document_csv_paths(document)


def document_responses(app: FastAPI) -> None:
    """Amend app.openapi() (once; FastAPI caches the document) with the answers above."""
    generate: Callable[[], dict[str, Any]] = app.openapi
    amended = False

    def openapi() -> dict[str, Any]:
        nonlocal amended
        document = generate()
        if not amended:
            _amend(document, app)
            amended = True
        return document

    app.openapi = openapi  # type: ignore[method-assign]
