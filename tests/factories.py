"""Typed helpers that create resources through the API, as a client would."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app

_seq = itertools.count(1)


async def make_portfolio(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Portfolio {next(_seq)}", "currency": "USD", **fields}
    response = await client.post("/api/v1/portfolios", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def make_project(
    client: httpx.AsyncClient, portfolio_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    if portfolio_id is None:
        portfolio_id = (await make_portfolio(client))["id"]
    body = {
        "code": f"PRJ-{next(_seq)}",
        "portfolio_id": portfolio_id,
        "name": "Project",
        **fields,
    }
    response = await client.post("/api/v1/projects", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def post_created(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def evm_of(client: httpx.AsyncClient, code: str, as_of: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/projects/{code}/evm", params={"as_of": as_of})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


# A budget baseline of three lines over January and February 2026: 5,900.00 in all.
BASELINE_LINES = [
    {"period": "2026-01", "category": "labor", "amount": 3100},
    {"period": "2026-02", "category": "labor", "amount": 2000},
    {"period": "2026-02", "category": "vendor", "amount": 800},
]


# --- REST assertions and list walking (shared by the REST suites of every folder) -------------

PROBLEM_JSON = "application/problem+json"


def assert_problem(
    response: httpx.Response, status: int, *, loc: list[Any] | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem of `status`; for a 422, `loc` (when given) is one of
    the `errors[].loc`. Returns the problem body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str)
    if status == 422:
        assert body["errors"], body
        for error in body["errors"]:
            assert isinstance(error["loc"], list), error
            assert isinstance(error["msg"], str) and error["msg"], error
            assert isinstance(error["type"], str) and error["type"], error
    if loc is not None:
        assert status == 422, "only a 422 names fields"
        assert loc in [e["loc"] for e in body["errors"]], body["errors"]
    return body


def install_response_guard(client: httpx.AsyncClient) -> None:
    """Every response the client receives is checked: never a 5xx, never a stack trace."""

    async def check(response: httpx.Response) -> None:
        await response.aread()
        request = response.request
        assert response.status_code < 500, (request.method, str(request.url), response.text)
        assert "Traceback" not in response.text, (request.method, str(request.url))

    client.event_hooks = {"request": [], "response": [check]}


def problem_mismatch(response: httpx.Response, status: int, loc: list[Any] | None) -> str | None:
    """None when the response is the expected problem, else a one-line description."""
    try:
        assert_problem(response, status, loc=loc)
    except (AssertionError, KeyError, ValueError) as exc:
        return f"{response.status_code} {response.text[:300]} ({exc!r:.200})"
    return None


Case = tuple[Any, Callable[..., Awaitable[httpx.Response]], int, list[Any] | None]
"""(label, request to send, expected status, expected `errors[].loc` or None)."""


async def expect_all(cases: Sequence[Case]) -> None:
    """Send every case; fail once, listing each case that did not answer as expected."""
    failures = {}
    for label, send, status, loc in cases:
        try:
            response = await send()
        except Exception as exc:  # a 5xx caught by the guard, or an app exception re-raised
            failures[label] = f"raised {exc!r:.300}"
            continue
        problem = problem_mismatch(response, status, loc)
        if problem is not None:
            failures[label] = problem
    assert not failures, "cases answered otherwise:\n" + "\n".join(
        f"  {label}: {problem}" for label, problem in failures.items()
    )


async def list_all(
    client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every row of a list, following `next_cursor` page by page."""
    rows: list[dict[str, Any]] = []
    query: dict[str, Any] = dict(params or {})
    for _ in range(10_000):
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        rows.extend(page["data"])
        if page["next_cursor"] is None:
            return rows
        query["cursor"] = page["next_cursor"]
    raise AssertionError("the list never ended")


async def count_projects(client: httpx.AsyncClient) -> int:
    return len(await list_all(client, "/api/v1/projects", {"limit": 500}))


@asynccontextmanager
async def isolated_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An admin client over an app with a connection pool of its own, on emptied tables. For
    requests that may leave a pooled connection holding locks (a bug, when they do): closing
    this app ends the damage instead of letting it block the table resets of every later test."""
    application = create_app(harness.test_settings(database_url))
    async with LifespanManager(application):
        await harness.empty_tables(application)
        key = await harness.make_key(application, Role.admin)
        async with harness.http_client(application, key) as http:
            install_response_guard(http)
            yield http


def key_id_of(key: str) -> str:
    """The id of an API key (`pmo_<id hex>_<secret>`), as the API and the audit log show it."""
    prefix, key_hex, _secret = key.split("_", 2)
    assert prefix == "pmo", key
    return str(uuid.UUID(hex=key_hex))
