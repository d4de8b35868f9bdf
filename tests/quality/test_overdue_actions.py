"""Overdue action items as a health input (the rule `actions`, off by default) and as the
built-in KPI `overdue_actions`, at their boundaries: an item due today is not overdue, one due
yesterday is; a done or cancelled one is not; the setting off leaves the rule out entirely."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import ValidationError

import tests.conftest as harness
from pmo_api.app import create_app
from pmo_api.health.rules import Facts, Thresholds, assess, colour
from pmo_api.settings import Settings
from tests.factories import make_portfolio, make_project, post_created
from tests.gql import gql


def _day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()  # the server's today


async def _item(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "Follow up", **fields}
    return await post_created(client, f"/api/v1/projects/{code}/action-items", body)


async def _health(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/projects/{code}/health")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _actions_rule(body: dict[str, Any]) -> dict[str, Any] | None:
    found = [r for r in body["rules"] if r["rule"] == "actions"]
    return found[0] if found else None


@pytest.fixture
async def strict(database_url: str, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the rule on: 2 overdue action items amber, 3 red."""
    settings = harness.test_settings(
        database_url, health_overdue_actions_amber=2, health_overdue_actions_red=3
    )
    app = create_app(settings)
    async with LifespanManager(app), harness.http_client(app, admin_key) as client:
        yield client


class TestRule:
    def _facts(self, overdue: int) -> Facts:
        return Facts(1.0, 1.0, False, False, False, False, "active", overdue)

    @pytest.mark.parametrize(
        ("amber", "red", "overdue", "expected"),
        [
            (2, 3, 0, "green"),
            (2, 3, 1, "green"),
            (2, 3, 2, "amber"),  # the amber count itself
            (2, 3, 3, "red"),  # the red count itself
            (2, 3, 9, "red"),
            (1, 0, 1, "amber"),  # amber only: never red
            (1, 0, 50, "amber"),
            (0, 4, 3, "green"),  # red only
            (0, 4, 4, "red"),
        ],
    )
    def test_counts_at_the_thresholds(
        self, amber: int, red: int, overdue: int, expected: str
    ) -> None:
        t = Thresholds(actions_amber=amber, actions_red=red)
        health = assess(self._facts(overdue), t)
        assert health.health == expected == colour(self._facts(overdue), t)
        rule = health.rules[-1]
        assert (rule.rule, rule.status, rule.value) == ("actions", expected, overdue)

    def test_off_the_rule_is_absent(self) -> None:
        health = assess(self._facts(100), Thresholds())
        assert [r.rule for r in health.rules] == ["cost", "schedule", "milestones", "risks"]
        assert health.health == "green"
        closed = assess(Facts(None, None, False, False, False, False, "completed", 3), Thresholds())
        assert len(closed.rules) == 4
        on = assess(
            Facts(None, None, False, False, False, False, "completed", 3),
            Thresholds(actions_amber=1),
        )
        assert [r.rule for r in on.rules][-1] == "actions" and on.health is None

    def test_red_below_amber_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="PMO_HEALTH_OVERDUE_ACTIONS_RED"):
            Settings(health_overdue_actions_amber=3, health_overdue_actions_red=2)
        assert Settings().health_overdue_actions_amber == 0  # off by default
        assert Settings(health_overdue_actions_red=2).health_overdue_actions_red == 2


class TestHealthInput:
    async def test_off_by_default(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, status="active")
        for _ in range(5):
            await _item(client, project["code"], due_date=_day(-1))
        body = await _health(client, project["code"])
        assert _actions_rule(body) is None and body["health"] == "green"
        assert [r["rule"] for r in body["rules"]] == ["cost", "schedule", "milestones", "risks"]

    async def test_due_today_is_not_overdue(
        self, client: httpx.AsyncClient, strict: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        project = await make_project(client, portfolio["id"], status="active")
        code = project["code"]
        for due in (_day(0), _day(0), _day(0), _day(1)):
            await _item(client, code, due_date=due)
        await _item(client, code)  # no due date: never overdue
        await _item(client, code, due_date=_day(-30), status="done")
        await _item(client, code, due_date=_day(-30), status="cancelled")
        rule = _actions_rule(await _health(strict, code))
        assert rule == {
            "rule": "actions",
            "status": "green",
            "value": 0,
            "detail": "0 overdue action items: below 2",
        }
        first = await _item(client, code, due_date=_day(-1))
        assert (await _health(strict, code))["health"] == "green"  # 1 < 2
        second = await _item(client, code, due_date=_day(-1))
        body = await _health(strict, code)
        assert (body["health"], body["decided_by"]) == ("amber", ["actions"])
        assert _actions_rule(body) == {
            "rule": "actions",
            "status": "amber",
            "value": 2,
            "detail": "2 overdue action items: at or above 2",
        }
        await _item(client, code, due_date=_day(-400))
        assert (await _health(strict, code))["health"] == "red"
        # The hot project read, the list, the summary and GraphQL agree.
        assert (await strict.get(f"/api/v1/projects/{code}")).json()["health"] == "red"
        listed = await strict.get("/api/v1/projects", params={"portfolio_id": portfolio["id"]})
        assert [p["health"] for p in listed.json()["data"]] == ["red"]
        summary = (await strict.get(f"/api/v1/portfolios/{portfolio['id']}/summary")).json()
        assert summary["projects"]["by_health"] == {"green": 0, "amber": 0, "red": 1}
        result = await gql(
            strict,
            "query($c: String) { project(code: $c) { health "
            "healthReport { rules { rule status count } } } }",
            c=code,
        )
        report = result["data"]["project"]
        assert report["health"] == "RED"
        assert report["healthReport"]["rules"][-1] == {
            "rule": "ACTIONS",
            "status": "RED",
            "count": 3,
        }
        # Done, then cancelled: fewer overdue items, a better health at once.
        await client.patch(f"/api/v1/action-items/{first['id']}", json={"status": "done"})
        assert (await _health(strict, code))["health"] == "amber"
        await client.patch(f"/api/v1/action-items/{second['id']}", json={"status": "cancelled"})
        assert (await _health(strict, code))["health"] == "green"
        # The default app still leaves the rule out.
        assert _actions_rule(await _health(client, code)) is None

    async def test_a_findings_corrective_action_counts(
        self, client: httpx.AsyncClient, strict: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, status="active")
        review = await post_created(
            client,
            f"/api/v1/projects/{project['code']}/quality-reviews",
            {"kind": "audit", "title": "Audit"},
        )
        path = f"/api/v1/quality-reviews/{review['id']}/findings"
        for _ in range(2):
            await post_created(
                client, path, {"severity": "high", "description": "x", "action_due_date": _day(-2)}
            )
        assert (await _health(strict, project["code"]))["health"] == "amber"


class TestKpi:
    async def test_overdue_actions_worked_by_hand(self, client: httpx.AsyncClient) -> None:
        """A: due 5 Jan, open. B: due 10 Jan, done today (so still to do on any January day).
        C: due 10 Jan, cancelled (never counts). D: due 20 Jan, in progress. E: no due date.
        On 10 Jan: A (B is due that day: not overdue) → 1. On 11 Jan: A, B → 2. On 21 Jan:
        A, B, D → 3, amber (≤ 3). Today: A and D (B done today is done) → 2."""
        project = await make_project(client)
        code = project["code"]
        await _item(client, code, due_date="2026-01-05")
        await _item(client, code, due_date="2026-01-10", status="done")
        await _item(client, code, due_date="2026-01-10", status="cancelled")
        await _item(client, code, due_date="2026-01-20", status="in_progress")
        await _item(client, code)

        async def kpi(as_of: str | None) -> dict[str, Any]:
            params = {"as_of": as_of} if as_of else {}
            response = await client.get(f"/api/v1/projects/{code}/kpis", params=params)
            assert response.status_code == 200, response.text
            (found,) = [k for k in response.json()["data"] if k["kpi_code"] == "overdue_actions"]
            return found

        expected = {"2026-01-10": 1.0, "2026-01-11": 2.0, "2026-01-21": 3.0, None: 2.0}
        for as_of, value in expected.items():
            found = await kpi(as_of)
            assert found["value"] == value, as_of
            assert found["computed"] is True
        assert (await kpi("2026-01-04"))["status"] == "green"  # 0
        assert (await kpi("2026-01-21"))["status"] == "amber"  # 3: the red threshold itself
        assert (await kpi("2026-01-10"))["value"] == 1.0
        today = date.fromisoformat(_day(0))
        assert (await kpi(today.isoformat()))["value"] == 2.0

    async def test_in_the_feed(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        project = await make_project(client, portfolio["id"])
        await _item(client, project["code"], due_date="2026-01-05")
        response = await client.get(
            "/api/v1/kpi-values",
            params={
                "portfolio_id": portfolio["id"],
                "kpi": "overdue_actions",
                "from": "2026-01-01",
                "to": "2026-02-28",
            },
        )
        assert response.status_code == 200, response.text
        rows = [(r["measured_on"], r["value"]) for r in response.json()["data"]]
        assert rows == [("2026-01-31", 1.0), ("2026-02-28", 1.0)]
