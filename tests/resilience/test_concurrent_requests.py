"""Concurrent clients: optimistic concurrency (If-Match), Idempotency-Key races, and keyset
pages that stay stable while other clients insert."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.factories import (
    assert_problem,
    count_projects,
    install_response_guard,
    list_all,
    make_portfolio,
    make_project,
)

PROJECTS = "/api/v1/projects"
_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestConcurrentPatchesOnOneVersion:
    async def test_twenty_patches_with_the_same_if_match_give_one_200_and_nineteen_412(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"

        responses = await asyncio.gather(
            *(
                client.patch(url, json={"name": f"contender {i}"}, headers={"If-Match": '"1"'})
                for i in range(20)
            )
        )

        assert Counter(r.status_code for r in responses) == {200: 1, 412: 19}
        for response in responses:
            if response.status_code == 412:
                assert_problem(response, 412)
        winner = next(r for r in responses if r.status_code == 200)
        assert winner.json()["version"] == 2
        assert winner.headers["etag"].startswith('"2-')
        stored = (await client.get(url)).json()
        assert stored["version"] == 2
        assert stored["name"] == winner.json()["name"]

    async def test_twenty_patches_without_if_match_are_serialised_and_none_is_lost(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"

        responses = await asyncio.gather(
            *(client.patch(url, json={"tags": [f"t{i}"]}) for i in range(20))
        )

        assert [r.status_code for r in responses] == [200] * 20
        assert sorted(r.json()["version"] for r in responses) == list(range(2, 22))
        assert (await client.get(url)).json()["version"] == 21


class TestConcurrentIdempotentCreates:
    async def test_twenty_creates_with_one_key_create_one_project_and_replay_it(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = {"code": "IDEM-1", "portfolio_id": portfolio["id"], "name": "Once"}

        responses = await asyncio.gather(
            *(
                client.post(PROJECTS, json=body, headers={"Idempotency-Key": "race-1"})
                for _ in range(20)
            )
        )

        answers = Counter((r.status_code, r.headers.get("idempotent-replayed")) for r in responses)
        assert answers == {(201, None): 1, (201, "true"): 19}, [r.text for r in responses]
        ids = {r.json()["id"] for r in responses}
        assert len(ids) == 1
        (project_id,) = ids
        assert {r.headers["location"] for r in responses} == {f"{PROJECTS}/{project_id}"}
        assert {r.content for r in responses} == {responses[0].content}
        assert await count_projects(client) == 1


class TestIdempotencyKeyReuse:
    async def test_same_key_after_success_replays_the_same_body_location_and_etag(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = {"code": "IDEM-2", "portfolio_id": portfolio["id"], "name": "Replay"}
        headers = {"Idempotency-Key": "replay-1"}

        first = await client.post(PROJECTS, json=body, headers=headers)
        again = await client.post(PROJECTS, json=body, headers=headers)

        assert first.status_code == again.status_code == 201
        assert "idempotent-replayed" not in first.headers
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == first.content
        assert again.headers["location"] == first.headers["location"]
        assert again.headers["etag"] == first.headers["etag"]
        assert first.headers["etag"].startswith('"1-')
        assert again.headers["content-type"] == "application/json"
        assert await count_projects(client) == 1

    async def test_same_key_with_reordered_json_keys_is_the_same_request(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        headers = {"Idempotency-Key": "reorder-1", "Content-Type": "application/json"}
        one = f'{{"code": "IDEM-3", "portfolio_id": "{portfolio["id"]}", "name": "R"}}'
        two = f'{{"name":"R","portfolio_id":"{portfolio["id"]}","code":"IDEM-3"}}'

        first = await client.post(PROJECTS, content=one, headers=headers)
        again = await client.post(PROJECTS, content=two, headers=headers)

        assert first.status_code == again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert await count_projects(client) == 1

    async def test_same_key_with_a_different_body_is_422_and_writes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        headers = {"Idempotency-Key": "clash-1"}
        first = await client.post(
            PROJECTS,
            json={"code": "IDEM-4", "portfolio_id": portfolio["id"], "name": "First"},
            headers=headers,
        )
        assert first.status_code == 201

        clash = await client.post(
            PROJECTS,
            json={"code": "IDEM-5", "portfolio_id": portfolio["id"], "name": "Second"},
            headers=headers,
        )

        assert_problem(clash, 422, loc=["header", "Idempotency-Key"])
        assert [p["code"] for p in await list_all(client, PROJECTS)] == ["IDEM-4"]

    async def test_same_key_on_another_endpoint_is_422(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        headers = {"Idempotency-Key": "cross-1"}
        created = await client.post(
            PROJECTS,
            json={"code": "IDEM-6", "portfolio_id": portfolio["id"], "name": "P"},
            headers=headers,
        )
        assert created.status_code == 201

        other = await client.post("/api/v1/portfolios", json={"name": "Other"}, headers=headers)

        assert_problem(other, 422, loc=["header", "Idempotency-Key"])
        names = [p["name"] for p in await list_all(client, "/api/v1/portfolios")]
        assert names == [portfolio["name"]]

    async def test_a_key_that_is_not_printable_or_too_long_is_400(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = {"code": "IDEM-7", "portfolio_id": portfolio["id"], "name": "P"}
        for key in ("k" * 256, "tab\there"):
            response = await client.post(PROJECTS, json=body, headers={"Idempotency-Key": key})
            assert_problem(response, 400)
        assert await count_projects(client) == 0


# --- keyset pages under concurrent inserts ----------------------------------------------------

_WORDS = ("alpha", "bravo", "delta", "kilo", "lima", "oscar", "tango", "zulu")


def _attributes(i: int) -> dict[str, Any]:
    """Varied sort keys: repeated priorities and names, and every third start date null."""
    start = None if i % 3 == 0 else (date(2030, 1, 1) + timedelta(days=(i * 37) % 400)).isoformat()
    return {
        "name": _WORDS[(i * 5) % len(_WORDS)],
        "priority": 1 + (i * 7) % 5,
        "start_date": start,
    }


async def _create(client: httpx.AsyncClient, portfolio_id: str, i: int) -> dict[str, Any]:
    return await make_project(client, portfolio_id, code=f"WALK-{next(_codes)}", **_attributes(i))


class TestPageWalkUnderConcurrentInserts:
    async def test_walk_returns_every_existing_row_once_while_others_insert(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        for i in range(15):
            await _create(client, portfolio_id, i)
        made = 15

        for sort in (None, "-priority,name", "start_date"):
            existing = {row["id"] for row in await list_all(client, PROJECTS, {"limit": 500})}
            params: dict[str, Any] = {"limit": 7}
            if sort is not None:
                params["sort"] = sort
            seen: list[str] = []
            for _page in range(100):
                # Each page is read while three other requests insert rows that sort anywhere:
                # before the cursor, inside the page being read, and after it.
                response, *_ = await asyncio.gather(
                    client.get(PROJECTS, params=params),
                    *(_create(client, portfolio_id, i) for i in range(made, made + 3)),
                )
                made += 3
                assert response.status_code == 200, response.text
                page = response.json()
                assert len(page["data"]) <= 7
                seen.extend(row["id"] for row in page["data"])
                if page["next_cursor"] is None:
                    break
                params["cursor"] = page["next_cursor"]
            else:
                raise AssertionError("the walk never ended")

            assert [r for r, n in Counter(seen).items() if n > 1] == [], sort
            assert existing - set(seen) == set(), sort
        assert await count_projects(client) == made

    async def test_walk_with_independent_inserting_tasks_sees_no_row_twice(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        existing = {(await _create(client, portfolio_id, i))["id"] for i in range(14)}
        walking = True

        async def inserter(offset: int) -> None:
            made = 0
            while walking and made < 10:
                await _create(client, portfolio_id, offset + made)
                made += 1
                await asyncio.sleep(0)

        async def walker() -> list[str]:
            nonlocal walking
            try:
                rows = await list_all(client, PROJECTS, {"limit": 3, "sort": "-priority,name"})
            finally:
                walking = False
            return [row["id"] for row in rows]

        seen, *_ = await asyncio.gather(walker(), inserter(200), inserter(300))
        assert len(seen) == len(set(seen))
        assert existing - set(seen) == set()
