"""GraphQL through the test client, shared by the suites of every folder: a query's answer,
the union selection of a mutation's typed result, and the SQL statements a request runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@contextmanager
def counted_statements(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.state.db.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The key lookup and its once-a-minute `last_used_at` write belong to authentication,
        # not to the request being counted: they would make counts depend on the clock.
        if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE")) and (
            "api_keys" not in statement
        ):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def outcome(success: str, fields: str) -> str:
    """The selection of a mutation's result: the success type's fields, or the error's."""
    return (
        f"__typename ... on {success} {{ {fields} }} "
        "... on UserError { message code } ... on ValidationFailed { errors { loc type } }"
    )
