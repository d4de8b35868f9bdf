"""`extensions.code` on the GraphQL errors our own rules raise, so that a client (or a tool)
can tell an input it must change from a failure of the server without reading the message:
`BAD_USER_INPUT` for invalid arguments (REST's 422), and the others by their REST status. An
error without a code is a failure of the server (masked as "Unexpected error.")."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from pmo_api.core.errors import DomainError

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


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        errors: list[GraphQLError] | None = getattr(self.execution_context.result, "errors", None)
        for error in errors or ():
            original = error.original_error
            if isinstance(original, DomainError) and "code" not in (error.extensions or {}):
                code = CODES.get(original.status, "BAD_REQUEST")
                error.extensions = {**(error.extensions or {}), "code": code}
