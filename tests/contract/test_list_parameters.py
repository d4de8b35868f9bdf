"""Bad list parameters: unknown sorts, garbage and forged cursors, bad filter values and
timestamps out of range are 422s naming the parameter (or harmless), never a 5xx or a held lock.
What all bad input must answer: tests/contract/cases.py."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from tests.contract.cases import (
    PORTFOLIOS,
    PROJECTS,
)
from tests.factories import (
    expect_all,
    install_response_guard,
    isolated_client,
    make_project,
    problem_mismatch,
)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


class TestBadListParameters:
    async def test_unknown_or_repeated_sort_fields_are_422(self, client: httpx.AsyncClient) -> None:
        await expect_all(
            [
                (
                    sort,
                    lambda s=sort: client.get(PROJECTS, params={"sort": s}),
                    422,
                    ["query", "sort"],
                )
                for sort in ("colour", "-colour", "name,colour", "name,-name", "currency")
            ]
            + [("portfolio", lambda: client.get(PORTFOLIOS, params={"sort": "x"}), 422, None)]
        )

    async def test_garbage_cursors_are_422(self, client: httpx.AsyncClient) -> None:
        for i in range(3):
            await make_project(client, name=f"n{i}")
        by_name = (await client.get(PROJECTS, params={"limit": 1, "sort": "name"})).json()
        issued_for_name = by_name["next_cursor"]
        assert issued_for_name is not None
        any_id = str(uuid.uuid4())
        cursors = {
            "garbage": "garbage",
            "not base64": "!!!!",
            "base64 of text": base64.urlsafe_b64encode(b"hello").decode(),
            "json list": _cursor([1, 2]),
            "json string": _cursor("x"),
            "no values": _cursor({"s": "created_at,id"}),
            "too few values": _cursor({"s": "created_at,id", "v": [any_id]}),
            "too many values": _cursor(
                {"s": "created_at,id", "v": ["2030-01-01T00:00:00+00:00", any_id, 1]}
            ),
            "naive timestamp": _cursor({"s": "created_at,id", "v": ["2030-01-01T00:00", any_id]}),
            "bad uuid": _cursor({"s": "created_at,id", "v": ["2030-01-01T00:00:00Z", "x"]}),
            "string for int": _cursor({"s": "priority,id", "v": ["high", any_id]}),
        }
        cases: list[Any] = [
            (
                label,
                lambda c=c: client.get(PROJECTS, params={"cursor": c}),
                422,
                ["query", "cursor"],
            )
            for label, c in cursors.items()
        ]
        cases.append(
            (
                "issued for another sort",
                lambda: client.get(PROJECTS, params={"cursor": issued_for_name, "sort": "code"}),
                422,
                ["query", "cursor"],
            )
        )
        cases.append(
            (
                "too long",
                lambda: client.get(PROJECTS, params={"cursor": "A" * 5000}),
                422,
                ["query", "cursor"],
            )
        )
        await expect_all(cases)

    async def test_bad_filter_values_are_422_naming_the_parameter(
        self, client: httpx.AsyncClient
    ) -> None:
        cases: list[tuple[dict[str, Any], list[Any]]] = [
            ({"status": "bogus"}, ["query", "status", 0]),
            ({"status": ["active", "bogus"]}, ["query", "status", 1]),
            ({"priority": 9}, ["query", "priority", 0]),
            ({"priority": "high"}, ["query", "priority", 0]),
            ({"portfolio_id": "xyz"}, ["query", "portfolio_id", 0]),
            ({"ev_method": "magic"}, ["query", "ev_method", 0]),
            ({"updated_since": "yesterday"}, ["query", "updated_since"]),
            ({"format": "xml"}, ["query", "format"]),
            ({"q": ""}, ["query", "q"]),
            ({"q": "x" * 201}, ["query", "q"]),
        ]
        await expect_all(
            [
                (str(params), lambda p=params: client.get(PROJECTS, params=p), 422, loc)
                for params, loc in cases
            ]
        )


async def _forged_cursor_failures(
    client: httpx.AsyncClient, cursors: dict[str, tuple[str, list[Any]]]
) -> dict[str, str]:
    """Each forged cursor must be a 422 naming the cursor, or an ordinary page where the
    database can compare the value; returns the cases that answered otherwise."""
    failures = {}
    for label, (sort, values) in cursors.items():
        params = {"sort": sort, "cursor": _cursor({"s": f"{sort},id", "v": values})}
        try:
            response = await client.get(PROJECTS, params=params)
        except Exception as exc:
            failures[label] = f"raised {exc!r:.300}"
            continue
        if response.status_code != 200:
            problem = problem_mismatch(response, 422, ["query", "cursor"])
            if problem is not None:
                failures[label] = problem
    return failures


@pytest.fixture
async def private_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(database_url) as http:
        yield http


async def _lock_conflict(database_url: str) -> str | None:
    """On PostgreSQL: None when nothing else holds a lock on `projects`, else the error."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL lock_timeout = '1s'"))
            await conn.execute(text("LOCK TABLE projects IN ACCESS EXCLUSIVE MODE"))
    except DBAPIError as exc:
        return str(exc.orig)[:200]
    finally:
        await engine.dispose()
    return None


class TestForgedCursors:
    """A cursor is opaque, but a client can still send any bytes. A well-formed cursor holding
    values its column cannot hold must never be a 5xx: a 422 naming the cursor, or (where the
    database can compare the value) an ordinary page."""

    async def test_forged_cursor_values_are_refused_or_harmless(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_project(client)
        any_id = str(uuid.uuid4())
        failures = await _forged_cursor_failures(
            client,
            {
                "bool for int": ("priority", [True, any_id]),
                "NUL in string": ("name", ["a\u0000", any_id]),
                "timestamp out of range in UTC": (
                    "created_at",
                    ["0001-01-01T00:00:00+14:00", any_id],
                ),
            },
        )
        assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())

    async def test_integers_beyond_the_column_are_refused_and_hold_no_lock_afterwards(
        self, private_client: httpx.AsyncClient, database_url: str, dialect: str
    ) -> None:
        await make_project(private_client)
        any_id = str(uuid.uuid4())

        failures = await _forged_cursor_failures(
            private_client,
            {
                "int beyond smallint": ("priority", [40000, any_id]),
                "int beyond bigint": ("budget", [2**63, any_id]),
            },
        )

        if dialect == "postgresql":
            conflict = await _lock_conflict(database_url)
            if conflict is not None:
                failures["locks"] = f"a pooled connection still holds a lock: {conflict}"
        assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


class TestTimestampsOutOfRange:
    async def test_updated_since_that_overflows_in_utc_is_422(
        self, client: httpx.AsyncClient
    ) -> None:
        await expect_all(
            [
                (
                    since,
                    lambda s=since: client.get(PROJECTS, params={"updated_since": s}),
                    422,
                    ["query", "updated_since"],
                )
                for since in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00")
            ]
        )
