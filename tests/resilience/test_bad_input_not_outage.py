"""Whatever a client sends is a 4xx naming the field (or an answer), never a 500 or a 503: only a
real database outage says "retry" (db/faults.py tells the two apart)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from pmo_api.db.faults import is_unavailable
from tests.factories import assert_problem, make_portfolio, make_project


async def _edge_project(client: httpx.AsyncClient) -> dict[str, object]:
    portfolio = await make_portfolio(client)
    return await make_project(
        client,
        portfolio["id"],
        code="EDGE-9",
        budget=1000,
        start_date="2020-01-01",
        finish_date="9999-12-30",
    )


async def test_the_last_day_of_the_calendar_is_a_4xx_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    await _edge_project(client)
    for path, loc in [
        ("/api/v1/projects/EDGE-9/evm?as_of=9999-12-31", ["query", "as_of"]),
        ("/api/v1/projects/EDGE-9/evm/series?from=9999-12-31", ["query", "from"]),
    ]:
        response = await client.get(path)
        assert response.status_code < 500, (path, response.text)
        if response.status_code != 200:
            assert_problem(response, 422, loc=loc)


async def test_a_series_from_the_last_year_is_answered(client: httpx.AsyncClient) -> None:
    await _edge_project(client)
    response = await client.get("/api/v1/projects/EDGE-9/evm/series?from=9999-01-01")
    assert response.status_code == 200, response.text


async def test_a_long_weekly_series_is_answered_or_refused_by_name(
    client: httpx.AsyncClient,
) -> None:
    """SQLite caps a compound SELECT at 500 terms: a series of thousands of weeks must not reach
    it as one statement."""
    await _edge_project(client)
    response = await client.get(
        "/api/v1/projects/EDGE-9/evm/series?from=2020-01-01&to=2100-01-01&interval=week"
    )
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert_problem(response, 422)


async def test_a_huge_search_text_is_a_4xx(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/projects", params={"q": "x" * 60_000})
    assert 400 <= response.status_code < 500, response.status_code
    assert "Retry-After" not in response.headers


async def test_forty_thousand_filter_values_are_a_4xx(client: httpx.AsyncClient) -> None:
    codes = ",".join(f"C{i}" for i in range(3_000))
    for path in ["/api/v1/projects", "/api/v1/costs"]:
        response = await client.get(path, params={"project": codes, "code": codes})
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert "Retry-After" not in response.headers


async def test_a_huge_graphql_search_text_is_refused_by_name(client: httpx.AsyncClient) -> None:
    query = "query($q: String) { projects(filter: {q: $q}) { edges { node { id } } } }"
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"q": "x" * 900_000}}
    )
    assert response.status_code < 500, response.text[:300]
    assert "Retry-After" not in response.headers


async def test_forty_thousand_graphql_filter_values_are_refused_by_name(
    client: httpx.AsyncClient,
) -> None:
    codes = [f"C{i}" for i in range(3_000)]
    for query in [
        "query($p: [String!]) { costs(filter: {project: $p}) { edges { node { id } } } }",
        "query($p: [String!]) { projects(filter: {code: $p}) { edges { node { id } } } }",
    ]:
        response = await client.post("/graphql", json={"query": query, "variables": {"p": codes}})
        assert response.status_code < 500, response.text[:300]
        assert "Retry-After" not in response.headers


def test_a_statement_sqlite_will_never_run_is_no_outage() -> None:
    """A real driver error from SQLite's compound SELECT cap: not "unavailable", so never a 503
    with Retry-After (it would tell the client to repeat a request that cannot succeed)."""
    engine = create_engine("sqlite://")
    too_long = " UNION ALL ".join(["SELECT 1"] * 600)
    with engine.connect() as conn, pytest.raises(OperationalError) as caught:
        conn.execute(text(too_long))
    assert "compound SELECT" in str(caught.value)
    assert not is_unavailable(caught.value)
