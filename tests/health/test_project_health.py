"""Project health (CONTRACT §5) over REST and GraphQL: each rule at its thresholds, the worst-of
combination, the explanation, thresholds as settings, the `health` filter walked page by page,
CSV, and a fixed number of statements per page, through the real app on both databases.

The projects are built through the API so that CPI and SPI come out exactly where a test wants
them: a plan wholly in the past makes PV = BAC, `percent_complete` progress sets EV, and one
cost entry sets AC (CPI = EV / AC, SPI = EV / PV)."""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import ValidationError

import tests.conftest as harness
from pmo_api.app import create_app
from pmo_api.evm import aggregates, inputs
from pmo_api.health import repository as health_repo
from pmo_api.health import service as health_service
from pmo_api.projects.models import projects
from pmo_api.settings import Settings
from tests.factories import assert_problem, list_all, make_portfolio
from tests.factories import make_project as make_any_project
from tests.gql import counted_statements, gql


def _today() -> date:
    return datetime.now(UTC).date()  # the server's today (UTC)


def _day(offset: int) -> str:
    return (_today() + timedelta(days=offset)).isoformat()


# A plan that ended a month ago: PV is the whole BAC.
PAST_PLAN = {"start_date": _day(-40), "finish_date": _day(-31)}


async def make_project(
    client: httpx.AsyncClient, portfolio_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    """A project in flight (`active`): only those are judged (tests/health/test_states.py)."""
    return await make_any_project(client, portfolio_id, **{"status": "active", **fields})


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def indexed(
    client: httpx.AsyncClient,
    *,
    budget: float,
    percent: float | None = None,
    cost: float | None = None,
    portfolio_id: str | None = None,
) -> str:
    """A percent-complete project with PV = BAC = `budget`, EV = BAC * `percent` / 100 and
    AC = `cost`: SPI = percent / 100, CPI = EV / cost. Returns its code."""
    project = await make_project(
        client, portfolio_id, budget=budget, ev_method="percent_complete", **PAST_PLAN
    )
    code = str(project["code"])
    if percent is not None:
        body = {"as_of": _day(-30), "percent_complete": percent}
        await _post(client, f"/api/v1/projects/{code}/progress", body)
    if cost is not None:
        body = {"incurred_on": _day(-30), "amount": cost}
        await _post(client, f"/api/v1/projects/{code}/costs", body)
    return code


async def _milestone(client: httpx.AsyncClient, code: str, **fields: Any) -> None:
    await _post(client, f"/api/v1/projects/{code}/milestones", {"name": "m", **fields})


async def _risk(client: httpx.AsyncClient, code: str, **fields: Any) -> None:
    await _post(client, f"/api/v1/projects/{code}/risks", {"title": "r", **fields})


async def _explained(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/projects/{code}/health")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    # The project's own representation agrees with its explanation.
    project = await client.get(f"/api/v1/projects/{code}")
    assert project.json()["health"] == body["health"]
    return body


def _rule(body: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [r for r in body["rules"] if r["rule"] == name]
    return found


class TestCost:
    @pytest.mark.parametrize(
        ("budget", "cpi", "status"),
        [
            (950, 0.95, "green"),  # exactly the green threshold
            (949.95, 0.95, "green"),  # 0.94995 is shown as 0.9500 (half to even): green
            (949.90, 0.9499, "amber"),
            (850, 0.85, "amber"),  # exactly the amber threshold
            (849.90, 0.8499, "red"),
        ],
    )
    async def test_cpi_at_its_thresholds(
        self, client: httpx.AsyncClient, budget: float, cpi: float, status: str
    ) -> None:
        code = await indexed(client, budget=budget, percent=100, cost=1000)  # SPI 1: green
        body = await _explained(client, code)
        cost = _rule(body, "cost")
        assert (cost["status"], cost["value"]) == (status, cpi)
        assert body["health"] == status
        assert _rule(body, "schedule")["status"] == "green"
        evm = (await client.get(f"/api/v1/projects/{code}/evm")).json()
        assert evm["cpi"] == cpi  # the value compared is the value shown

    async def test_an_undefined_cpi_does_not_count(self, client: httpx.AsyncClient) -> None:
        code = await indexed(client, budget=1000, percent=50)  # no cost: CPI undefined
        body = await _explained(client, code)
        cost = _rule(body, "cost")
        assert (cost["status"], cost["value"]) == (None, None)
        assert "undefined" in cost["detail"]
        assert body["health"] == "red"  # SPI 0.5 decides
        assert body["decided_by"] == ["schedule"]


class TestSchedule:
    @pytest.mark.parametrize(
        ("percent", "spi", "status"),
        [
            (95, 0.95, "green"),
            (94.99, 0.9499, "amber"),
            (85, 0.85, "amber"),
            (84.99, 0.8499, "red"),
        ],
    )
    async def test_spi_at_its_thresholds(
        self, client: httpx.AsyncClient, percent: float, spi: float, status: str
    ) -> None:
        code = await indexed(client, budget=1000, percent=percent)
        body = await _explained(client, code)
        schedule = _rule(body, "schedule")
        assert (schedule["status"], schedule["value"]) == (status, spi)
        assert body["health"] == status
        assert _rule(body, "cost")["status"] is None

    async def test_nothing_planned_is_green(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client, budget=1000)  # no plan dates: PV 0, SPI undefined
        body = await _explained(client, project["code"])
        assert [r["status"] for r in body["rules"]] == [None, None, "green", "green"]
        assert body["health"] == "green"
        assert body["decided_by"] == ["milestones", "risks"]
        assert project["health"] == "green"  # the create's response has it too


class TestMilestones:
    @pytest.mark.parametrize(
        ("milestone", "status", "value"),
        [
            ({"due_date": _day(-1), "is_gate": True}, "red", "overdue_gate"),
            ({"due_date": _day(-1)}, "amber", "overdue"),
            ({"due_date": _day(0), "is_gate": True}, "green", None),  # due today: not overdue
            ({"due_date": _day(-5), "completed_on": _day(-1), "is_gate": True}, "green", None),
        ],
    )
    async def test_overdue_gate_and_milestone(
        self, client: httpx.AsyncClient, milestone: dict[str, Any], status: str, value: Any
    ) -> None:
        code = (await make_project(client))["code"]
        await _milestone(client, code, **milestone)
        body = await _explained(client, code)
        rule = _rule(body, "milestones")
        assert (rule["status"], rule["value"]) == (status, value)
        assert body["health"] == status

    async def test_a_gate_is_red_even_beside_plain_overdue_milestones(
        self, client: httpx.AsyncClient
    ) -> None:
        code = (await make_project(client))["code"]
        await _milestone(client, code, due_date=_day(-3))
        await _milestone(client, code, due_date=_day(-2), is_gate=True)
        assert (await _explained(client, code))["health"] == "red"


class TestRisks:
    @pytest.mark.parametrize(
        ("risk", "status", "value"),
        [
            ({"probability": 4, "impact": 5}, "red", "critical"),  # score 20
            ({"probability": 5, "impact": 5, "status": "mitigating"}, "red", "critical"),
            ({"probability": 4, "impact": 5, "status": "closed"}, "green", None),
            ({"probability": 5, "impact": 5, "status": "occurred"}, "green", None),
            ({"probability": 4, "impact": 4}, "amber", "high"),  # score 16
            ({"probability": 2, "impact": 5, "status": "mitigating"}, "amber", "high"),  # 10
            ({"probability": 3, "impact": 3}, "green", None),  # score 9: medium
        ],
    )
    async def test_open_critical_and_high_risks(
        self, client: httpx.AsyncClient, risk: dict[str, Any], status: str, value: Any
    ) -> None:
        code = (await make_project(client))["code"]
        await _risk(client, code, **risk)
        body = await _explained(client, code)
        rule = _rule(body, "risks")
        assert (rule["status"], rule["value"]) == (status, value)
        assert body["health"] == status


class TestWorstOf:
    async def test_the_worst_rule_decides(self, client: httpx.AsyncClient) -> None:
        code = await indexed(client, budget=900, percent=100, cost=1000)  # CPI 0.9: amber
        await _milestone(client, code, due_date=_day(-1), is_gate=True)  # red
        await _risk(client, code, probability=4, impact=4)  # amber
        body = await _explained(client, code)
        assert body["health"] == "red"
        assert body["decided_by"] == ["milestones"]
        assert [r["status"] for r in body["rules"]] == ["amber", "green", "red", "amber"]

    async def test_every_rule_at_the_worst_status_is_named(self, client: httpx.AsyncClient) -> None:
        code = await indexed(client, budget=800, percent=100, cost=1000)  # CPI 0.8: red
        await _risk(client, code, probability=5, impact=4)  # critical: red
        body = await _explained(client, code)
        assert (body["health"], body["decided_by"]) == ("red", ["cost", "risks"])

    async def test_all_green_names_every_rule_that_counts(self, client: httpx.AsyncClient) -> None:
        code = await indexed(client, budget=1000, percent=100, cost=1000)
        body = await _explained(client, code)
        assert body["health"] == "green"
        assert body["decided_by"] == ["cost", "schedule", "milestones", "risks"]


class TestExplanation:
    async def test_the_body_names_each_rule_with_a_sentence(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, budget=900, ev_method="percent_complete", **PAST_PLAN)
        code = project["code"]
        await _post(
            client,
            f"/api/v1/projects/{code}/progress",
            {"as_of": _day(-30), "percent_complete": 100},
        )
        await _post(
            client, f"/api/v1/projects/{code}/costs", {"incurred_on": _day(-30), "amount": 1000}
        )
        body = await _explained(client, project["id"])  # by id as well as by code
        assert list(body) == [
            "project_id",
            "code",
            "as_of",
            "health",
            "reason",
            "rules",
            "decided_by",
        ]
        assert body["reason"] is None
        assert (body["project_id"], body["code"]) == (project["id"], code)
        assert body["as_of"] == _today().isoformat()
        assert [r["rule"] for r in body["rules"]] == ["cost", "schedule", "milestones", "risks"]
        cost = _rule(body, "cost")
        assert cost == {
            "rule": "cost",
            "status": "amber",
            "value": 0.9,
            "detail": "CPI 0.9000 is below 0.95 and at or above 0.85",
        }
        assert _rule(body, "schedule")["detail"] == "SPI 1.0000 is at or above 0.95"
        assert (body["health"], body["decided_by"]) == ("amber", ["cost"])

    async def test_absent_project_is_404(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/projects/NOPE-1/health"), 404)
        assert_problem(await client.get("/api/v1/projects/not a code/health"), 404)


class TestRepresentations:
    async def test_get_post_patch_and_list_carry_health(self, client: httpx.AsyncClient) -> None:
        created = await make_project(client, budget=1000, ev_method="percent_complete")
        assert created["health"] == "green"  # nothing planned, spent or overdue
        assert list(created)[list(created).index("status") + 1] == "health"
        code = created["code"]
        patched = await client.patch(f"/api/v1/projects/{code}", json=PAST_PLAN)
        assert patched.status_code == 200, patched.text
        assert patched.json()["health"] == "red"  # all planned, nothing earned: SPI 0
        progress = {"as_of": _day(-30), "percent_complete": 90}
        await _post(client, f"/api/v1/projects/{code}/progress", progress)
        assert (await client.get(f"/api/v1/projects/{code}")).json()["health"] == "amber"
        by_id = await client.get(f"/api/v1/projects/{created['id']}")
        assert by_id.json()["health"] == "amber"
        listed = await list_all(client, "/api/v1/projects")
        assert [(p["code"], p["health"]) for p in listed] == [(code, "amber")]

    async def test_graphql_health_and_report(self, client: httpx.AsyncClient) -> None:
        code = await indexed(client, budget=900, percent=100, cost=1000)
        query = """query($code: String) { project(code: $code) { health healthReport {
            asOf health decidedBy rules { rule status index finding detail } } } }"""
        result = await gql(client, query, code=code)
        assert "errors" not in result, result
        project = result["data"]["project"]
        assert project["health"] == "AMBER"
        report = project["healthReport"]
        assert (report["health"], report["decidedBy"]) == ("AMBER", ["COST"])
        assert report["asOf"] == _today().isoformat()
        assert report["rules"][0] == {
            "rule": "COST",
            "status": "AMBER",
            "index": 0.9,
            "finding": None,
            "detail": "CPI 0.9000 is below 0.95 and at or above 0.85",
        }


class TestThresholdSettings:
    async def test_other_thresholds_change_the_verdict(
        self, client: httpx.AsyncClient, database_url: str, admin_key: str
    ) -> None:
        at_90 = await indexed(client, budget=900, percent=100, cost=1000)  # CPI 0.9
        at_82 = await indexed(client, budget=820, percent=100, cost=1000)  # CPI 0.82
        assert (await _explained(client, at_90))["health"] == "amber"
        assert (await _explained(client, at_82))["health"] == "red"
        settings = harness.test_settings(database_url, health_cpi_green=0.9, health_cpi_amber=0.8)
        other = create_app(settings)
        async with LifespanManager(other), harness.http_client(other, admin_key) as lenient:
            body = await _explained(lenient, at_90)
            assert body["health"] == "green"
            assert _rule(body, "cost")["detail"] == "CPI 0.9000 is at or above 0.9"
            assert (await _explained(lenient, at_82))["health"] == "amber"
            listed = await lenient.get("/api/v1/projects", params={"health": "green"})
            assert [p["code"] for p in listed.json()["data"]] == [at_90]
            result = await gql(lenient, "{ projects { nodes { code health } } }")
            healths = {n["code"]: n["health"] for n in result["data"]["projects"]["nodes"]}
            assert healths == {at_90: "GREEN", at_82: "AMBER"}

    def test_amber_above_green_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="PMO_HEALTH_SPI_AMBER"):
            Settings(health_spi_green=0.9, health_spi_amber=0.91)
        assert Settings(health_cpi_green=0.9, health_cpi_amber=0.9).health_cpi_amber == 0.9


# --- the health filter ----------------------------------------------------------------------

# Health of the projects of _mixed_portfolio, in creation order.
MIX = ["red", "green", "amber", "red", "green", "green", "red", "amber", "red", "green", "red"]


async def _mixed_portfolio(client: httpx.AsyncClient) -> tuple[str, list[tuple[str, str]]]:
    """A portfolio whose projects have the healths of MIX (by their overdue milestones);
    returns its id and (code, health) in creation order."""
    portfolio = await make_portfolio(client)
    made = []
    for i, health in enumerate(MIX):
        project = await make_project(client, portfolio["id"], priority=1 + i % 5)
        if health != "green":
            await _milestone(client, project["code"], due_date=_day(-1), is_gate=health == "red")
        made.append((project["code"], health))
    return portfolio["id"], made


class TestHealthFilter:
    @pytest.mark.parametrize("chunk", [200, 2])  # 2: many chunks per page
    @pytest.mark.parametrize("sort", [None, "-priority,code", "-code"])
    @pytest.mark.parametrize("limit", [1, 2, 3, 50])
    async def test_cursor_walk_returns_exactly_the_matches_in_order(
        self,
        client: httpx.AsyncClient,
        monkeypatch: pytest.MonkeyPatch,
        chunk: int,
        sort: str | None,
        limit: int,
    ) -> None:
        monkeypatch.setattr(health_service, "SCAN_CHUNK", chunk)
        portfolio_id, made = await _mixed_portfolio(client)
        base: dict[str, Any] = {"portfolio_id": portfolio_id}
        if sort:
            base["sort"] = sort
        everything = await list_all(client, "/api/v1/projects", {**base, "limit": 500})
        assert sorted((p["code"], p["health"]) for p in everything) == sorted(made)
        for wanted in (["red"], ["amber", "green"], ["red", "amber", "green"]):
            expected = [p["code"] for p in everything if p["health"] in wanted]
            params = {**base, "limit": limit, "health": wanted}
            walked = await list_all(client, "/api/v1/projects", params)
            assert [p["code"] for p in walked] == expected
            assert all(p["health"] in wanted for p in walked)

    async def test_pages_are_full_and_the_last_has_no_cursor(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id, made = await _mixed_portfolio(client)
        reds = [code for code, health in made if health == "red"]  # 5 of them
        params: dict[str, Any] = {"portfolio_id": portfolio_id, "health": "red", "limit": 5}
        page = (await client.get("/api/v1/projects", params=params)).json()
        assert [p["code"] for p in page["data"]] == reds
        assert page["next_cursor"] is None  # no sixth red: no empty last page
        response = await client.get("/api/v1/projects", params={**params, "limit": 2})
        assert response.json()["next_cursor"] is not None
        assert 'rel="next"' in response.headers["link"]

    async def test_no_match_is_an_empty_page(self, client: httpx.AsyncClient) -> None:
        await make_project(client)
        page = (await client.get("/api/v1/projects", params={"health": "red"})).json()
        assert page == {"data": [], "next_cursor": None}

    async def test_unknown_health_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/projects", params={"health": "blue"})
        assert_problem(response, 422, loc=["query", "health", 0])

    async def test_graphql_filter_walks_the_same_matches(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(health_service, "SCAN_CHUNK", 2)
        _portfolio_id, made = await _mixed_portfolio(client)
        expected = [code for code, health in made if health in ("red", "amber")]
        query = """query($after: String) { projects(filter: {health: [RED, AMBER]}, first: 2,
            after: $after) { nodes { code health } pageInfo { hasNextPage endCursor } } }"""
        walked: list[str] = []
        after = None
        for _ in range(20):
            result = await gql(client, query, after=after)
            assert "errors" not in result, result
            connection = result["data"]["projects"]
            walked += [n["code"] for n in connection["nodes"]]
            assert all(n["health"] in ("RED", "AMBER") for n in connection["nodes"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        assert walked == expected


class TestCsv:
    async def test_csv_has_health_and_filters_while_streaming(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from pmo_api.projects import router

        monkeypatch.setattr(router, "CSV_HEALTH_BATCH", 3)  # several batches
        portfolio_id, made = await _mixed_portfolio(client)
        params: dict[str, Any] = {"portfolio_id": portfolio_id, "format": "csv"}
        response = await client.get("/api/v1/projects", params=params)
        assert response.status_code == 200, response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        header = next(csv.reader(io.StringIO(response.text)))
        assert header[header.index("status") + 1] == "health"
        assert [(r["code"], r["health"]) for r in rows] == made
        response = await client.get("/api/v1/projects", params={**params, "health": "amber"})
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["code"] for r in rows] == [c for c, h in made if h == "amber"]


class TestKeptFacts:
    """The milestone and risk flags are read from project_finance, which every milestone and
    risk write keeps (evm/aggregates.py). After a seeded run of creates, updates and
    deletes, they must equal the same facts computed from the raw rows, at dates before, on
    and after today."""

    async def test_they_follow_every_milestone_and_risk_write(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        rng = random.Random(20261122)
        portfolio_id = (await make_portfolio(client))["id"]
        codes = [(await make_project(client, portfolio_id))["code"] for _ in range(4)]
        made: list[tuple[str, str]] = []  # (kind, id) of what exists
        for _ in range(60):
            code = rng.choice(codes)
            action = rng.choice(("milestone", "risk", "update", "update", "delete"))
            if action == "milestone" or (action != "risk" and not made):
                fields = {"due_date": _day(rng.randint(-20, 20)), "is_gate": rng.random() < 0.4}
                if rng.random() < 0.3:
                    fields["completed_on"] = _day(-1)
                body = await _post(
                    client, f"/api/v1/projects/{code}/milestones", {"name": "m", **fields}
                )
                made.append(("milestones", body["id"]))
            elif action == "risk":
                fields = {"probability": rng.randint(1, 5), "impact": rng.randint(1, 5)}
                body = await _post(
                    client, f"/api/v1/projects/{code}/risks", {"title": "r", **fields}
                )
                made.append(("risks", body["id"]))
            else:
                kind, id_ = rng.choice(made)
                if action == "delete":
                    response = await client.delete(f"/api/v1/{kind}/{id_}")
                    assert response.status_code == 204, response.text
                    made.remove((kind, id_))
                    continue
                if kind == "risks":
                    change: dict[str, Any] = rng.choice(
                        (
                            {"status": rng.choice(("open", "mitigating", "closed", "occurred"))},
                            {"probability": rng.randint(1, 5), "impact": rng.randint(1, 5)},
                        )
                    )
                else:
                    change = rng.choice(
                        (
                            {"completed_on": rng.choice((None, _day(-2)))},
                            {"due_date": _day(rng.randint(-20, 20))},
                            {"is_gate": rng.random() < 0.5},
                        )
                    )
                response = await client.patch(f"/api/v1/{kind}/{id_}", json=change)
                assert response.status_code == 200, response.text
        where = projects.c.portfolio_id == uuid.UUID(portfolio_id)
        seen: set[bool] = set()
        for offset in (-10, 0, 1, 10):
            t = _today() + timedelta(days=offset)
            async with app.state.db.read() as conn:
                kept = (await conn.execute(health_repo.facts(where), inputs.AsOf(t).params())).all()
                truth = await _raw_flags(conn, [r.id for r in kept], t)
            flags = {
                r.id: (
                    bool(r.overdue_gate),
                    bool(r.overdue_milestone),
                    bool(r.open_critical_risk),
                    bool(r.open_high_risk),
                )
                for r in kept
            }
            assert flags == truth, t
            seen.update(f for row in flags.values() for f in row)
        assert seen == {True, False}


async def _raw_flags(conn: Any, ids: list[Any], t: date) -> dict[Any, tuple[bool, ...]]:
    """Health's four flags from the milestones and risks themselves (CONTRACT §3, §5)."""
    found: dict[Any, tuple[bool, ...]] = {}
    m, r = aggregates.milestones, aggregates.risks
    for project_id in ids:
        milestones = (
            await conn.execute(
                sa.select(m.c.due_date, m.c.completed_on, m.c.is_gate).where(
                    m.c.project_id == project_id
                )
            )
        ).all()
        risks = (
            await conn.execute(
                sa.select(r.c.probability, r.c.impact, r.c.status).where(
                    r.c.project_id == project_id
                )
            )
        ).all()
        late = [m for m in milestones if m.completed_on is None and m.due_date < t]
        open_scores = [
            r.probability * r.impact for r in risks if r.status in ("open", "mitigating")
        ]
        found[project_id] = (
            any(m.is_gate for m in late),
            bool(late),
            any(s >= 20 for s in open_scores),
            any(10 <= s <= 16 for s in open_scores),
        )
    return found


# --- statements -------------------------------------------------------------------------------


async def _projects(client: httpx.AsyncClient, portfolio_id: str, count: int) -> None:
    for i in range(count):
        code = (await make_project(client, portfolio_id))["code"]
        if i % 3 == 0:
            await _milestone(client, code, due_date=_day(-1), is_gate=i % 2 == 0)
        if i % 4 == 0:
            await _risk(client, code, probability=4, impact=4)


class TestStatements:
    async def test_a_page_costs_the_same_statements_for_5_or_50_projects(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        small, large = await make_portfolio(client), await make_portfolio(client)
        await _projects(client, small["id"], 5)
        await _projects(client, large["id"], 50)
        gql_query = """query($id: ID!) { portfolio(id: $id) { projects(first: 50) {
            nodes { code health healthReport { decidedBy } } } } }"""
        counts: dict[str, list[int]] = {}
        for portfolio, size in ((small, 5), (large, 50)):
            requests: list[tuple[str, dict[str, Any]]] = [
                ("list", {"portfolio_id": portfolio["id"], "limit": 50}),
                ("filtered", {"portfolio_id": portfolio["id"], "limit": 50, "health": "red"}),
                ("csv", {"portfolio_id": portfolio["id"], "format": "csv"}),
            ]
            await client.get("/api/v1/projects")  # the key is cached from here on
            for name, params in requests:
                with counted_statements(app) as statements:
                    response = await client.get("/api/v1/projects", params=params)
                assert response.status_code == 200
                if name == "list":
                    assert len(response.json()["data"]) == size
                counts.setdefault(name, []).append(len(statements))
            with counted_statements(app) as statements:
                result = await gql(client, gql_query, id=portfolio["id"])
            assert "errors" not in result, result
            assert len(result["data"]["portfolio"]["projects"]["nodes"]) == size
            counts.setdefault("graphql", []).append(len(statements))
        # The page, then the health of its rows: two statements (a filtered page reads fewer
        # than 200 candidates here: one chunk); the CSV, its rows then one health batch;
        # GraphQL: the portfolio, its projects, their health.
        assert counts == {"list": [2, 2], "filtered": [2, 2], "csv": [2, 2], "graphql": [3, 3]}

    async def test_one_project_and_its_explanation(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        code = await indexed(client, budget=900, percent=100, cost=1000)
        await _risk(client, code, probability=4, impact=4)
        await client.get("/api/v1/projects")  # the key is cached from here on
        with counted_statements(app) as statements:
            response = await client.get(f"/api/v1/projects/{code}")
        assert response.json()["health"] == "amber"
        # The project and its health in one statement; on PostgreSQL it runs on the hot
        # path's own driver pool (db/hotpath.py), which SQLAlchemy does not see.
        assert len(statements) == (1 if app.state.db.is_sqlite else 0)
        with counted_statements(app) as statements:
            response = await client.get(f"/api/v1/projects/{code}/health")
        assert response.json()["decided_by"] == ["cost", "risks"]
        assert len(statements) == 2  # the project (scope checked), then its health
