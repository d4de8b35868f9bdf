"""The HTTP side of /graphql: strawberry's FastAPI router, refusing what it would crash on."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from pmo_api.core.graphiql import PAGE
from pmo_api.graphql.outages import raise_outage


class GraphQLHTTPRouter(GraphQLRouter[Any, Any]):
    @property
    def graphql_ide_html(self) -> str:
        """Our GraphiQL page, its assets served locally (core/graphiql.py), not strawberry's."""
        return PAGE

    def parse_json(self, data: str | bytes) -> Any:
        """A body that is not UTF-8, or JSON that is not an object (`"text"`, `42`, `null`), is
        no GraphQL request: a 400 like any other malformed body (strawberry let both through to
        a 500)."""
        try:
            document = super().parse_json(data)
        except UnicodeDecodeError:  # not UTF-8: json.loads raises this, not a JSONDecodeError
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(document, dict | list):
            raise HTTPException(400, "The body must be a JSON object with a `query`")
        # The document's request schema: `operationName` a string or null (strawberry took any
        # JSON value and ignored it: `make fuzz` found `{}` accepted).
        if isinstance(document, dict) and not isinstance(document.get("operationName"), str | None):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string")
        return document

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A database outage is a 503 problem with Retry-After, as in REST (graphql/outages.py),
        not a result."""
        raise_outage(result)
        return await super().process_result(request, result)
