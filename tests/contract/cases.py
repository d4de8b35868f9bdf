"""What the bad-input suites of this folder share: the paths, a valid project body to spoil one
field of, and the family of create cases that must each be a 422 naming the field.

Bad input never writes anything and never answers 5xx: every refusal is an RFC 9457 problem
with the right status, and a 422 names the offending field in `errors[].loc`. Families of
cases are checked in one test each (one database reset per family keeps the suite fast); a
failure lists every case that answered otherwise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.factories import count_projects, expect_all, make_portfolio

PROJECTS = "/api/v1/projects"
PORTFOLIOS = "/api/v1/portfolios"
JSON = {"Content-Type": "application/json"}


def project_body(portfolio_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": "BAD-1", "portfolio_id": portfolio_id, "name": "Bad input"}
    body.update(overrides)
    return body


def case_label(field: str, value: Any) -> str:
    return f"{field}={value!r:.40}"


async def create_cases_are_422(
    client: httpx.AsyncClient,
    cases: list[tuple[str, Any]],
    locs: dict[str, list[Any]] | None = None,
) -> None:
    """POST a valid project body with one field replaced; each must be a 422 naming the field
    (or the item path given in `locs`, keyed by the case label); nothing is written."""
    portfolio = await make_portfolio(client)
    item_locs = locs or {}

    def post(field: str, value: Any) -> Callable[[], Awaitable[httpx.Response]]:
        body = project_body(portfolio["id"])
        body[field] = value
        return lambda: client.post(PROJECTS, json=body)

    await expect_all(
        [
            (label, post(field, value), 422, item_locs.get(label, ["body", field]))
            for field, value in cases
            for label in [case_label(field, value)]
        ]
    )
    assert await count_projects(client) == 0
