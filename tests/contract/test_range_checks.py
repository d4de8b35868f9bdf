"""Ranges `make fuzz` (schemathesis) found unchecked, pinned through the real app so that they
stay fixed without the fuzzer: each a 422 before any work starts, not a 500 or a broken stream."""

from __future__ import annotations

import httpx

from tests.factories import assert_problem, make_project


class TestKpiValuesCsv:
    async def test_too_long_a_range_is_a_422_before_the_stream_starts(
        self, client: httpx.AsyncClient
    ) -> None:
        """It was a 200 whose chunked body broke off (the check ran inside the stream)."""
        await make_project(client)
        params = {"from": "1900-01-01", "to": "2026-01-31"}
        for fmt in ("csv", "json"):
            response = await client.get("/api/v1/kpi-values", params={**params, "format": fmt})
            assert_problem(response, 422, loc=["query", "from"])


class TestBudgetLinePeriod:
    async def test_year_zero_is_a_422_not_a_500(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        line = {"period": "0000-01", "category": "general", "amount": 100}
        response = await client.put(
            f"/api/v1/projects/{project['id']}/budget-lines", json={"lines": [line]}
        )
        assert_problem(response, 422, loc=["body", "lines", 0, "period"])
        for period in ("0001-01", "9999-12"):
            line["period"] = period
            response = await client.put(
                f"/api/v1/projects/{project['id']}/budget-lines", json={"lines": [line]}
            )
            assert response.status_code == 200, response.text
            evm = await client.get(f"/api/v1/projects/{project['id']}/evm")
            assert evm.status_code == 200, evm.text
