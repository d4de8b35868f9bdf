"""The risk register over REST: derived fields at their boundaries, the cross-project feed,
CSV, and the portfolio risk matrix."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.factories import assert_problem, make_portfolio, make_project


async def _risk(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "Supplier fails", "probability": 3, "impact": 3, **fields}
    response = await client.post(f"/api/v1/projects/{code}/risks", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


class TestDerivedFields:
    @pytest.mark.parametrize(
        ("probability", "impact", "score", "severity"),
        [
            (1, 1, 1, "low"),
            (2, 2, 4, "low"),  # 4: the top of low
            (1, 5, 5, "medium"),  # 5: the bottom of medium
            (3, 3, 9, "medium"),  # 9: the top of medium
            (2, 5, 10, "high"),  # 10: the bottom of high
            (4, 4, 16, "high"),  # 16: the top of high
            (4, 5, 20, "critical"),  # 20: the bottom of critical (17-19 cannot occur)
            (5, 5, 25, "critical"),
        ],
    )
    async def test_score_and_severity(
        self, client: httpx.AsyncClient, probability: int, impact: int, score: int, severity: str
    ) -> None:
        project = await make_project(client)
        risk = await _risk(client, project["code"], probability=probability, impact=impact)
        assert (risk["score"], risk["severity"]) == (score, severity)

    @pytest.mark.parametrize(
        ("probability", "expected"),
        [(1, 100.0), (2, 300.0), (3, 500.0), (4, 700.0), (5, 900.0)],
    )
    async def test_expected_value_weights(
        self, client: httpx.AsyncClient, probability: int, expected: float
    ) -> None:
        project = await make_project(client)
        risk = await _risk(client, project["code"], probability=probability, cost_impact=1000)
        assert risk["expected_value"] == expected  # 1,000.00 x the weight

    async def test_rounding_and_no_cost_impact(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        # 0.05 x 0.3 = 0.015 → 0.02 (half to even: 1.5 cents → 2 cents)
        assert (await _risk(client, project["code"], probability=2, cost_impact=0.05))[
            "expected_value"
        ] == 0.02
        assert (await _risk(client, project["code"]))["expected_value"] is None

    async def test_patch_recomputes(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        risk = await _risk(client, project["code"], probability=2, impact=2, cost_impact=100)
        path = f"/api/v1/risks/{risk['id']}"
        response = await client.patch(path, json={"probability": 5}, headers={"If-Match": '"1"'})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["score"], body["severity"], body["expected_value"]) == (10, "high", 90.0)
        cleared = (await client.patch(path, json={"cost_impact": None})).json()
        assert cleared["expected_value"] is None and cleared["version"] == 3

    async def test_bad_input_is_a_422_that_changes_nothing(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/risks"
        for body, loc in (
            ({"title": "x", "probability": 6, "impact": 1}, ["body", "probability"]),
            ({"title": "x", "probability": 1, "impact": 0}, ["body", "impact"]),
            ({"title": "x", "probability": 1, "impact": 1, "status": "gone"}, ["body", "status"]),
            ({"title": "x", "probability": 1, "impact": 1, "score": 25}, ["body", "score"]),
            ({"title": "x", "probability": 1, "impact": 1, "cost_impact": -1}, None),
        ):
            assert_problem(await client.post(path, json=body), 422, loc=loc)
        assert (await client.get(path)).json()["data"] == []


class TestFeedAndMatrix:
    async def test_feed_filters_csv_and_matrix(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        a = await make_project(client, portfolio["id"])
        b = await make_project(client, portfolio["id"])
        elsewhere = await make_project(client)
        await _risk(client, a["code"], probability=5, impact=5, cost_impact=1000)
        await _risk(client, a["code"], probability=5, impact=5, status="mitigating")
        await _risk(client, b["code"], probability=1, impact=2, cost_impact=10)
        await _risk(client, b["code"], probability=4, impact=4, status="closed", cost_impact=5)
        await _risk(client, elsewhere["code"], probability=3, impact=3)

        feed = "/api/v1/risks"
        mine = (await client.get(feed, params={"portfolio_id": portfolio["id"]})).json()["data"]
        assert len(mine) == 4
        critical = await client.get(feed, params={"severity": "critical", "sort": "-score"})
        assert [r["project_code"] for r in critical.json()["data"]] == [a["code"], a["code"]]
        at_least = await client.get(feed, params={"min_score": 9, "status": "open"})
        assert sorted(r["score"] for r in at_least.json()["data"]) == [9, 25]
        rows = list(
            csv.DictReader(
                io.StringIO(
                    (await client.get(feed, params={"format": "csv", "project": b["code"]})).text
                )
            )
        )
        assert sorted(r["score"] for r in rows) == ["16", "2"]

        matrix = (await client.get(f"/api/v1/portfolios/{portfolio['id']}/risk-matrix")).json()
        cells = {(c["probability"], c["impact"]): c["count"] for c in matrix["cells"]}
        assert len(cells) == 25 and cells[(5, 5)] == 2 and cells[(1, 2)] == 1
        assert cells[(4, 4)] == 0  # closed risks are not open
        # Open exposure: 1,000 x 0.9 + 10 x 0.1 = 901.00 (the mitigating one has no cost impact)
        assert (matrix["open_risks"], matrix["expected_value"]) == (3, 901.0)
