"""`extensions.code` on every GraphQL error, so that a client (or a tool) can tell an input it
must change from a failure of the server without reading the message: `BAD_USER_INPUT` for
invalid arguments (REST's 422), our domain errors by their REST status, the refusals of the
operation's limits by what was exceeded (graphql/guard.py sets those itself), and syntax and
validation errors as GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED (DEPTH_LIMIT_EXCEEDED,
ALIAS_LIMIT_EXCEEDED for those two rules). An error masked as "Unexpected error." is a
failure of the server: INTERNAL_SERVER_ERROR. The codes are given once the answer is final
(GuardedSchema.execute): a parse error leaves no extension hook to give it there."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import GraphQLError

from pmo_api.core.errors import DomainError

MASKED = "Unexpected error."  # what MaskErrors says instead of a failure's own message
CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    413: "BAD_REQUEST",
    422: "BAD_USER_INPUT",
    503: "SERVICE_UNAVAILABLE",
}
# graphql-core and strawberry's limiters say what failed only in their messages.
_BY_MESSAGE = (
    ("Syntax Error", "GRAPHQL_PARSE_FAILED"),
    ("exceeds maximum operation depth", "DEPTH_LIMIT_EXCEEDED"),
    ("aliases found", "ALIAS_LIMIT_EXCEEDED"),
)


def bad_variable(error: GraphQLError) -> bool:
    """A variable the client sent that does not fit its type: graphql-core says so with the
    coercion's own error as the original (so it would pass for a failure of the server)."""
    return error.message.startswith("Variable '$")


def code_of(error: GraphQLError) -> str:
    """The code the error carries, or the one it gets."""
    given = (error.extensions or {}).get("code")
    if given is not None:
        return str(given)
    original = error.original_error
    if isinstance(original, DomainError):
        return CODES.get(original.status, "BAD_REQUEST")
    if bad_variable(error):
        return "BAD_USER_INPUT"
    if original is not None or error.message == MASKED:
        return "INTERNAL_SERVER_ERROR"
    for fragment, code in _BY_MESSAGE:
        if fragment in error.message:
            return code
    if error.path:  # raised while resolving (an argument graphql-core could not coerce)
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def label(errors: Iterable[GraphQLError]) -> None:
    """Give every error of an answer its code (graphql/guard.py, once the answer is final)."""
    for error in errors:
        if "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": code_of(error)}
