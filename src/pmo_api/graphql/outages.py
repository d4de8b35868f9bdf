"""A database outage during a GraphQL operation is answered as REST answers it: HTTP 503 with
`Retry-After` and a problem+json body (type service-unavailable), never a 200 whose error is
masked as "Unexpected error.".

Any error whose cause means "unavailable, retry shortly" (db/faults.py: a lost or refused
connection, a full pool, a statement cancelled by the statement timeout) makes the whole answer
that 503: the client retries the whole operation. (A mutation's own transaction was rolled back;
in a document of several mutations, earlier ones may have committed, as with any error.) Two
steps: DatabaseOutages turns such an error into a ServiceUnavailable before MaskErrors would
hide its cause, and the router (graphql/router.py) raises it instead of sending the result, for
the exception handlers to answer (core/handlers.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from pmo_api.core.errors import ServiceUnavailable
from pmo_api.db.faults import UNAVAILABLE, describe, is_unavailable

CODE = "SERVICE_UNAVAILABLE"
log = logging.getLogger("pmo_api.errors")


def _is_outage(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and is_unavailable(original)


class DatabaseOutages(SchemaExtension):
    """Listed after MaskErrors, so that it sees the errors first (extensions leave an operation
    in the reverse of their order)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors: list[GraphQLError] | None = getattr(result, "errors", None)
        if not errors or not any(_is_outage(e) for e in errors):
            return
        result.errors = [  # type: ignore[union-attr]
            GraphQLError(
                UNAVAILABLE,
                nodes=e.nodes,
                source=e.source,
                positions=e.positions,
                path=e.path,
                original_error=ServiceUnavailable(UNAVAILABLE),  # not masked
                extensions={"code": CODE},
            )
            if _is_outage(e)
            else e
            for e in errors
        ]


def raise_outage(result: Any) -> None:
    """Raise ServiceUnavailable if the result of an operation holds an error that means the
    database is unavailable (after DatabaseOutages)."""
    for error in getattr(result, "errors", None) or ():
        if isinstance(error.original_error, ServiceUnavailable):
            raise ServiceUnavailable(UNAVAILABLE) from error.original_error


class Schema(strawberry.Schema):
    """strawberry's schema, logging an outage as one line (as REST does) instead of a stack
    trace per failed field."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        others = []
        for error in errors:
            if _is_outage(error):
                assert error.original_error is not None
                log.warning(
                    "database unavailable",
                    extra={"error": describe(error.original_error), "path": error.path},
                )
            else:
                others.append(error)
        if others:
            super().process_errors(others, execution_context)
