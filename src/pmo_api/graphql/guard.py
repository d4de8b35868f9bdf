"""What every GraphQL operation goes through once its variables are known: its cost with the
values sent (graphql/operation_limits.py) against the limit, that cost charged to the caller's
rate limit, and a time budget; and how refusals are logged.

- Cost: an operation over `PMO_GRAPHQL_MAX_COST` is refused before anything runs
  (`extensions.code` COST_LIMIT_EXCEEDED, with `cost` and `limit`).
- Rate limit: the middleware charged the request as one; an operation is charged
  ceil(cost / `PMO_GRAPHQL_COST_PER_REQUEST`) in all, so a key's budget a minute holds as many
  heavy queries as the REST requests they are worth (RATE_LIMITED, with `retryAfter`).
- Time: an operation still running after `PMO_GRAPHQL_TIMEOUT_MS` is cancelled (its reads
  are released) and answered with TIMEOUT, so one caller cannot hold the process.
- Logging: a refusal or a client's mistake (syntax, validation, a bad argument, our own typed
  errors) is one INFO line without the query text; only a failure of the server is an ERROR
  with its traceback.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult

from pmo_api.core.errors import DomainError
from pmo_api.graphql.context import Context
from pmo_api.graphql.error_codes import bad_variable, code_of, label
from pmo_api.graphql.operation_limits import Refused, check_cost, operation_cost
from pmo_api.graphql.outages import Schema

TIMEOUT = "TIMEOUT"
RATE_LIMITED = "RATE_LIMITED"
log = logging.getLogger("pmo_api.graphql")


class OperationGuard(SchemaExtension):
    """Cost and rate limit, after validation and before execution: setting the result here
    makes strawberry skip execution. The cost is told in the answer's `extensions.cost`."""

    cost: int | None = None

    async def on_execute(self) -> Any:
        context = self.execution_context
        try:
            await self._admit(context)
        except Refused as refused:
            context.result = GraphQLExecutionResult(data=None, errors=[refused.as_error()])
        yield

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}

    async def _admit(self, context: ExecutionContext) -> None:
        ctx = context.context
        if not isinstance(ctx, Context) or context.graphql_document is None:
            return
        settings = ctx.settings
        schema = context.schema._schema  # the graphql-core schema strawberry built
        cost = operation_cost(
            schema, context.graphql_document, context.variables, context.operation_name
        )
        if cost is None:
            return  # wrong variables or operation: execution refuses them with their own error
        self.cost = cost
        check_cost(cost, settings.graphql_max_cost)
        weight = math.ceil(cost / settings.graphql_cost_per_request) - 1  # 1 already charged
        limiter = getattr(getattr(ctx.request, "app", None), "state", None)
        limiter = getattr(limiter, "rate_limiter", None)
        if weight <= 0 or limiter is None:
            return
        decision = await limiter.hit(ctx.principal.key_id, weight)
        if not decision.allowed:
            raise Refused(
                f"this query costs {cost} ({weight + 1} requests' worth) and this key may make "
                f"{decision.limit} requests a minute; retry after {decision.reset_seconds} s",
                RATE_LIMITED,
                retryAfter=decision.reset_seconds,
            )


def _client_mistake(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, DomainError | Refused) or bad_variable(error)


class GuardedSchema(Schema):
    """The schema, running each operation under the time budget and logging refusals as what
    they are."""

    async def execute(self, query: str | None, *args: Any, **kwargs: Any) -> ExecutionResult:
        context = kwargs.get("context_value", args[1] if len(args) > 1 else None)
        budget_ms = context.settings.graphql_timeout_ms if isinstance(context, Context) else 0
        try:
            async with asyncio.timeout(budget_ms / 1000 if budget_ms else None):
                result = await super().execute(query, *args, **kwargs)
            label(result.errors or ())  # `extensions.code` on every error (error_codes.py)
            return result
        except TimeoutError:
            log.warning("graphql operation over its time budget", extra={"budget_ms": budget_ms})
            error = GraphQLError(
                f"the operation ran longer than {budget_ms} ms and was stopped; ask for less "
                "(smaller pages, fewer nested lists)",
                extensions={"code": TIMEOUT, "budgetMs": budget_ms},
            )
            return ExecutionResult(data=None, errors=[error])

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        mistakes = [e for e in errors if _client_mistake(e)]
        for error in mistakes:
            log.info(
                "graphql request refused",
                extra={"code": code_of(error), "error": error.message[:300], "path": error.path},
            )
        others = [e for e in errors if not _client_mistake(e)]
        if others:
            super().process_errors(others, execution_context)
