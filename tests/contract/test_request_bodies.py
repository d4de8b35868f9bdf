"""Request bodies that are not JSON, nested deeper than the parser allows (400), or over the size
limit, declared or streamed (413); one just under the limit is read.
What all bad input must answer: tests/contract/cases.py."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.contract.cases import (
    JSON,
    PORTFOLIOS,
    PROJECTS,
    project_body,
)
from tests.factories import (
    assert_problem,
    count_projects,
    expect_all,
    install_response_guard,
    list_all,
    make_portfolio,
)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestMalformedBodies:
    async def test_bodies_that_are_not_json_are_400(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        url = f"{PORTFOLIOS}/{portfolio['id']}"
        bodies = [b'{"name": ', b"not json", b'{"name": "x",}', b"{'name': 'x'}", b"\xff\xfe"]
        cases = [
            (("post", raw), lambda r=raw: client.post(PROJECTS, content=r, headers=JSON), 400, None)
            for raw in bodies
        ] + [
            (("patch", raw), lambda r=raw: client.patch(url, content=r, headers=JSON), 400, None)
            for raw in bodies
        ]
        await expect_all(cases)
        assert await count_projects(client) == 0
        assert (await client.get(url)).json() == portfolio

    async def test_nesting_deeper_than_the_parser_allows_is_400(
        self, client: httpx.AsyncClient
    ) -> None:
        deep = b"[" * 100_000 + b"]" * 100_000
        assert_problem(await client.post(PORTFOLIOS, content=deep, headers=JSON), 400)
        assert await list_all(client, PORTFOLIOS) == []


class TestBodySizeLimit:
    async def test_a_2_mib_body_is_413_whether_declared_or_streamed(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        big = orjson.dumps(project_body(portfolio["id"], description="x" * (2 * 1024 * 1024)))

        async def chunks() -> Any:
            for i in range(0, len(big), 64 * 1024):
                yield big[i : i + 64 * 1024]

        declared = await client.post(PROJECTS, content=big, headers=JSON)
        streamed = await client.post(PROJECTS, content=chunks(), headers=JSON)

        assert "content-length" in declared.request.headers
        assert "content-length" not in streamed.request.headers
        assert_problem(declared, 413)
        assert_problem(streamed, 413)
        assert await count_projects(client) == 0

    async def test_a_body_just_under_the_limit_is_read(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        body = project_body(portfolio["id"], description="x" * 20_000)
        assert (await client.post(PROJECTS, json=body)).status_code == 201
