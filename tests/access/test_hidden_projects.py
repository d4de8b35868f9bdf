"""A key limited to some portfolios cannot tell a project outside them from one that does not
exist: the same 404, and the same work before it (the scope is checked first, in one cheap
statement, for both), so the answer takes as long. The one unavoidable leak, the uniqueness
of codes and names across portfolios (a 409), is documented in docs/security.md."""

from __future__ import annotations

import statistics
import time
import uuid

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project

ROUNDS = 150


async def _median_ms(client: httpx.AsyncClient, paths: list[str]) -> dict[str, float]:
    """Interleaved, so load on the machine falls on every path alike; the median of each."""
    seen: dict[str, list[float]] = {path: [] for path in paths}
    for _ in range(ROUNDS):
        for path in paths:
            started = time.perf_counter()
            response = await client.get(path)
            seen[path].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 404, response.text
    return {path: statistics.median(times) for path, times in seen.items()}


async def test_a_hidden_project_answers_like_a_missing_one(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    mine = await make_portfolio(client, name="Mine")
    theirs = await make_portfolio(client, name="Theirs")
    await make_project(client, mine["id"], code="MINE-1")
    hidden = await make_project(client, theirs["id"], code="HIDDEN-1", budget=100_000)
    for i in range(30):  # health facts to compute, if anything computed them
        await client.post(
            f"/api/v1/projects/{hidden['id']}/costs",
            json={"incurred_on": "2025-01-01", "amount": 10 + i, "category": "labour"},
        )
    key = await harness.make_key(app, Role.viewer, [uuid.UUID(mine["id"])])
    async with harness.http_client(app, key) as scoped:
        by_code = await scoped.get("/api/v1/projects/HIDDEN-1")
        missing = await scoped.get("/api/v1/projects/NOPE-1")
        assert_problem(by_code, 404)
        assert_problem(missing, 404)
        assert by_code.json()["detail"] == "project HIDDEN-1 does not exist"
        medians = await _median_ms(
            scoped,
            [
                "/api/v1/projects/HIDDEN-1",
                "/api/v1/projects/NOPE-1",
                f"/api/v1/projects/{hidden['id']}",
                f"/api/v1/projects/{uuid.uuid4()}",
            ],
        )
    print(medians)
    hidden_code, missing_code, hidden_id, missing_id = medians.values()
    # The same work: within 25 % (and 0.3 ms) of each other; before the fix a hidden project
    # read its health facts first.
    assert hidden_code <= missing_code * 1.25 + 0.3, medians
    assert hidden_id <= missing_id * 1.25 + 0.3, medians
