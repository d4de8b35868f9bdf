"""Budget baselines over REST: the lines of a baseline make BAC and a planned value prorated by
the days of each month; a new baseline keeps the old one readable; while lines exist the
project's budget is theirs; bad lines change nothing."""

from __future__ import annotations

import httpx

from tests.factories import BASELINE_LINES, assert_problem, evm_of, make_project

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10"}  # 10 planned days


class TestBaseline:
    LINES = BASELINE_LINES

    async def test_pv_prorates_each_month_by_its_days(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=1, **JAN)
        code = project["code"]
        response = await client.put(
            f"/api/v1/projects/{code}/budget-lines", json={"lines": self.LINES}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["baseline"], body["bac"], len(body["lines"])) == (1, 5900.0, 3)
        assert response.headers["etag"] == '"1"'
        # BAC is the sum of the lines, not the budget given at creation.
        assert (await client.get(f"/api/v1/projects/{code}")).json()["budget"] == 5900.0
        # 10 Jan: 3,100.00 * 10/31 = 1,000.00
        assert (await evm_of(client, code, "2026-01-10"))["pv"] == 1000.0
        # 14 Feb: January whole + 2,800.00 * 14/28 = 3,100 + 1,400 = 4,500.00
        assert (await evm_of(client, code, "2026-02-14"))["pv"] == 4500.0
        # Month ends count whole; a month starting after t not at all.
        assert (await evm_of(client, code, "2026-01-31"))["pv"] == 3100.0
        assert (await evm_of(client, code, "2025-12-31"))["pv"] == 0

    async def test_a_baseline_starting_mid_month(self, client: httpx.AsyncClient) -> None:
        # The project starts on 15 Mar; its first baseline month is March. PV prorates by
        # calendar days of the month: 15 Mar → 3,100.00 * 15/31 = 1,500.00.
        project = await make_project(
            client, start_date="2026-03-15", finish_date="2026-04-30", budget=0
        )
        lines = [{"period": "2026-03", "amount": 3100}, {"period": "2026-04", "amount": 3000}]
        response = await client.put(
            f"/api/v1/projects/{project['code']}/budget-lines", json={"lines": lines}
        )
        assert response.status_code == 200, response.text
        e = await evm_of(client, project["code"], "2026-03-15")
        assert (e["pv"], e["bac"]) == (1500.0, 6100.0)

    async def test_rebaselining_keeps_the_old_baseline(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, **JAN)
        path = f"/api/v1/projects/{project['code']}/budget-lines"
        assert (await client.put(path, json={"lines": self.LINES})).status_code == 200
        stale = await client.put(path, json={"lines": self.LINES[:1]}, headers={"If-Match": '"0"'})
        assert_problem(stale, 412)
        second = await client.put(path, json={"lines": self.LINES[:1]}, headers={"If-Match": '"1"'})
        assert second.status_code == 200 and second.json()["baseline"] == 2
        current = (await client.get(path)).json()["data"]
        assert [(r["period"], r["amount"], r["baseline"]) for r in current] == [
            ("2026-01", 3100.0, 2)
        ]
        old = (await client.get(path, params={"baseline": 1})).json()["data"]
        assert sorted((r["period"], r["category"], r["amount"]) for r in old) == [
            ("2026-01", "labor", 3100.0),
            ("2026-02", "labor", 2000.0),
            ("2026-02", "vendor", 800.0),
        ]
        assert (await client.get(f"/api/v1/projects/{project['code']}")).json()["budget"] == 3100

    async def test_budget_is_read_only_while_lines_exist(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, **JAN)
        path = f"/api/v1/projects/{project['code']}"
        await client.put(f"{path}/budget-lines", json={"lines": self.LINES})
        assert_problem(await client.patch(path, json={"budget": 10}), 409)
        assert (await client.patch(path, json={"budget": 5900})).status_code == 200  # unchanged

    async def test_bad_lines_change_nothing(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=7, **JAN)
        path = f"/api/v1/projects/{project['code']}/budget-lines"
        twice = [self.LINES[0], self.LINES[0]]
        assert_problem(await client.put(path, json={"lines": twice}), 422, loc=["body", "lines", 1])
        bad_period = [{"period": "2026-13", "amount": 1}]
        assert_problem(await client.put(path, json={"lines": bad_period}), 422)
        negative = [{"period": "2026-01", "amount": -1}]
        assert_problem(await client.put(path, json={"lines": negative}), 422)
        assert (await client.get(path)).json()["data"] == []
        assert (await client.get(f"/api/v1/projects/{project['code']}")).json()["budget"] == 7
