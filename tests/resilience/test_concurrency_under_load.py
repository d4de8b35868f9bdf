"""Lost updates and duplicates under load, against the real app on both databases:

- 1,000 increments of one project's budget, all started at once, each a read and a PATCH with
  If-Match retried on 412: none is lost (the final budget is exact);
- 100 POSTs with one Idempotency-Key, all at once: one project, the others replay it;
- cost imports with the same `external_ref`, all at once: one entry per reference, the others
  update it (and the project's actual cost counts it once).

The client keeps a few requests open at a time (below), as an HTTP client's connection pool
does: SQLite serialises writers, so more would only queue inside the server.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.factories import assert_problem, install_response_guard, make_portfolio, make_project

PROJECTS = "/api/v1/projects"
# Requests a client keeps open at once (an HTTP client's connection pool). For the increments
# most of the work is wasted on purpose (a read and a 412 for each lost race), so few suffice to
# keep every write racing: 4 give a 412 to about half the attempts, and 1,000 increments cost
# 2,000 to 2,500 requests (with 16, 7,000, and SQLite's writers start to starve).
INCREMENT_IN_FLIGHT = 4
IMPORT_IN_FLIGHT = 32


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)  # never a 5xx, never a stack trace


async def increment_budget(
    client: httpx.AsyncClient, url: str, gate: asyncio.Semaphore, rng: random.Random
) -> int:
    """Add 0.01 to the project's budget as a careful client does: read it with its ETag, PATCH
    with If-Match, and on 412 back off a little and start again. Returns the attempts made."""
    for attempt in itertools.count(1):
        async with gate:
            current = await client.get(url)
            assert current.status_code == 200, current.text
            budget = Decimal(str(current.json()["budget"])) + Decimal("0.01")
            response = await client.patch(
                url, json={"budget": float(budget)}, headers={"If-Match": current.headers["etag"]}
            )
        if response.status_code == 200:
            return attempt
        assert_problem(response, 412)
        await asyncio.sleep(rng.uniform(0, min(0.05, 0.002 * 2**attempt)))
    raise AssertionError("unreachable")


def record_cost(project: dict[str, Any], ref: str, amount: int) -> dict[str, Any]:
    return {
        "query": "mutation($p: String!, $i: CostCreateInput!) { recordCost(project: $p, "
        "input: $i) { __typename ... on RecordedCost { created cost { id } } } }",
        "variables": {
            "p": project["id"],
            "i": {"incurredOn": "2026-03-02", "amount": amount, "externalRef": ref},
        },
    }


class TestLostUpdates:
    async def test_1000_concurrent_increments_with_if_match_and_retries_lose_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, budget=0)
        url = f"{PROJECTS}/{project['id']}"
        gate = asyncio.Semaphore(INCREMENT_IN_FLIGHT)
        rng = random.Random(6)

        started = time.monotonic()
        attempts = await asyncio.gather(
            *(increment_budget(client, url, gate, rng) for _ in range(1000))
        )
        seconds = time.monotonic() - started

        final = (await client.get(url)).json()
        assert Decimal(str(final["budget"])) == Decimal("10.00")
        assert final["version"] == 1 + 1000  # each increment one version, none lost
        print(
            f"\n1,000 increments: {sum(attempts)} attempts ({sum(attempts) - 1000} answered 412 "
            f"and retried), at most {max(attempts)} for one, {seconds:.1f} s"
        )


class TestDuplicates:
    async def test_100_concurrent_posts_with_one_idempotency_key_create_one_project(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = {"code": "ONCE-100", "portfolio_id": portfolio["id"], "name": "Once", "budget": 5}

        responses = await asyncio.gather(
            *(
                client.post(PROJECTS, json=body, headers={"Idempotency-Key": "hundred"})
                for _ in range(100)
            )
        )

        answers = Counter((r.status_code, r.headers.get("idempotent-replayed")) for r in responses)
        assert answers == {(201, None): 1, (201, "true"): 99}, answers
        assert len({r.content for r in responses}) == 1  # the replays are the first answer
        listed = (await client.get(PROJECTS, params={"limit": 500})).json()["data"]
        assert [p["code"] for p in listed] == ["ONCE-100"]

    async def test_concurrent_imports_of_one_external_ref_make_one_entry_that_the_rest_update(
        self, client: httpx.AsyncClient
    ) -> None:
        """100 imports of 5 references, shuffled, sent at once; one in four through GraphQL's
        recordCost, the same service behind another door."""
        project = await make_project(client, budget=1000)
        costs = f"{PROJECTS}/{project['id']}/costs"
        refs = [f"INV-{i}" for i in range(5)]
        sends = [(ref, 10 + n) for ref in refs for n in range(20)]  # 20 imports of each
        random.Random(6).shuffle(sends)
        gate = asyncio.Semaphore(IMPORT_IN_FLIGHT)

        async def send(i: int, ref: str, amount: int) -> tuple[bool, str]:
            """Whether this import created the entry, and the entry's id."""
            async with gate:
                if i % 4:
                    body = {"incurred_on": "2026-03-02", "amount": amount, "external_ref": ref}
                    response = await client.post(costs, json=body)
                    assert response.status_code in (200, 201), response.text
                    return response.status_code == 201, response.json()["id"]
                response = await client.post("/graphql", json=record_cost(project, ref, amount))
                assert response.status_code == 200, response.text
                recorded = response.json()["data"]["recordCost"]
                assert recorded["__typename"] == "RecordedCost", recorded
                return recorded["created"], recorded["cost"]["id"]

        answers = await asyncio.gather(
            *(send(i, ref, amount) for i, (ref, amount) in enumerate(sends))
        )

        created = Counter(ref for (ref, _), (made, _id) in zip(sends, answers, strict=True) if made)
        assert created == dict.fromkeys(refs, 1)  # one creation per reference, 19 updates
        entries = (await client.get(costs, params={"limit": 500})).json()["data"]
        assert sorted(e["external_ref"] for e in entries) == refs
        for entry in entries:  # each entry holds one of the amounts sent for its reference
            assert 10 <= entry["amount"] < 30, entry
        ids = {ref: id_ for (ref, _), (_made, id_) in zip(sends, answers, strict=True)}
        assert ids == {e["external_ref"]: e["id"] for e in entries}  # every answer named it
        # The project's actual cost counts each entry once (the aggregates follow the rows).
        evm = (await client.get(f"{PROJECTS}/{project['id']}/evm")).json()
        assert evm["ac"] == sum(e["amount"] for e in entries), evm

    async def test_concurrent_imports_with_distinct_idempotency_keys_still_make_one_entry(
        self, client: httpx.AsyncClient
    ) -> None:
        """An import retried by several clients, each with its own key: the key does not
        make the entry; the reference does."""
        project = await make_project(client)
        costs = f"{PROJECTS}/{project['id']}/costs"
        body: dict[str, Any] = {"incurred_on": "2026-03-02", "amount": 42, "external_ref": "R-1"}

        responses = await asyncio.gather(
            *(
                client.post(costs, json=body, headers={"Idempotency-Key": f"k{i}"})
                for i in range(30)
            )
        )

        assert Counter(r.status_code for r in responses) == {201: 1, 200: 29}
        assert len({r.json()["id"] for r in responses}) == 1
        entries = (await client.get(costs)).json()["data"]
        assert [(e["external_ref"], e["amount"]) for e in entries] == [("R-1", 42)]
