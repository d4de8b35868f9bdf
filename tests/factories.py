"""Typed helpers that create resources through the API, as a client would."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

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
