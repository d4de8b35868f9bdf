"""The cross-project cost feed: its filters (portfolio, project, category, dates, text) and CSV
over REST, and the same rows through GraphQL's `costs`."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.factories import list_all, make_portfolio, make_project, post_created
from tests.gql import gql
from tests.graphql_plan import COST, as_graphql, parsed, planned_project


class TestCosts:
    async def test_feed_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        p1 = await make_portfolio(client)
        a = await make_project(client, p1["id"])
        b = await make_project(client)
        for project, on, amount, category in (
            (a, "2026-01-05", 1.25, "labor"),
            (a, "2026-02-05", -0.5, "refund"),
            (b, "2026-01-06", 99.99, "labor"),
        ):
            await post_created(
                client,
                f"/api/v1/projects/{project['code']}/costs",
                {"incurred_on": on, "amount": amount, "category": category},
            )
        feed = "/api/v1/costs"
        by_portfolio = (await client.get(feed, params={"portfolio_id": p1["id"]})).json()["data"]
        assert sorted(r["amount"] for r in by_portfolio) == [-0.5, 1.25]
        assert {r["project_code"] for r in by_portfolio} == {a["code"]}
        window = await client.get(feed, params={"from": "2026-01-01", "to": "2026-01-31"})
        assert sorted(r["amount"] for r in window.json()["data"]) == [1.25, 99.99]
        by_code = await client.get(feed, params={"project": b["code"], "category": "labor"})
        assert [r["amount"] for r in by_code.json()["data"]] == [99.99]
        filtered = await client.get(
            feed, params={"format": "csv", "portfolio_id": p1["id"], "project": [a["code"], "X-1"]}
        )
        assert sorted(r["amount"] for r in csv.DictReader(io.StringIO(filtered.text))) == [
            "-0.5",
            "1.25",
        ]
        response = await client.get(feed, params={"format": "csv"})
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        json_rows = (await client.get(feed)).json()["data"]
        assert len(rows) == 3
        assert {(r["id"], r["amount"]) for r in rows} == {
            (r["id"], str(r["amount"])) for r in json_rows
        }


class TestCostFeed:
    async def test_costs_feed_filters_like_rest(self, client: httpx.AsyncClient) -> None:
        one = await make_portfolio(client)
        two = await make_portfolio(client)
        a = await planned_project(client, one["id"], costs=4)
        await planned_project(client, two["id"], costs=2)
        q = f"""query($f: CostFilter, $after: String) {{ costs(filter: $f, first: 2,
                 after: $after) {{ nodes {{ {COST} }} pageInfo {{ hasNextPage endCursor }} }} }}"""

        async def walk(filter_: dict[str, Any]) -> list[Any]:
            rows: list[Any] = []
            after = None
            for _ in range(20):
                page = (await gql(client, q, f=filter_, after=after))["data"]["costs"]
                rows += parsed(page["nodes"])
                if not page["pageInfo"]["hasNextPage"]:
                    return rows
                after = page["pageInfo"]["endCursor"]
            raise AssertionError("the feed never ended")

        everything = await walk({})
        assert everything == as_graphql(await list_all(client, "/api/v1/costs"))
        assert len(everything) == 6
        cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
            ({"portfolioId": [one["id"]]}, {"portfolio_id": one["id"]}),
            (
                {"project": [a["code"]], "category": ["kit"]},
                {"project": a["code"], "category": "kit"},
            ),
            (
                {"from": "2026-02-01", "to": "2026-02-28"},
                {"from": "2026-02-01", "to": "2026-02-28"},
            ),
            ({"q": "inv-1"}, {"q": "inv-1"}),
        ]
        for graphql_filter, rest_params in cases:
            expected = as_graphql(await list_all(client, "/api/v1/costs", rest_params))
            assert await walk(graphql_filter) == expected, graphql_filter
            assert expected
