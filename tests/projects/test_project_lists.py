"""Lists of projects (and the portfolio and objective lists that page the same way): pages and
the Link header, filters, sorting, CSV, and money exact to the cent."""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.factories import (
    assert_problem,
    install_response_guard,
    isolated_client,
    list_all,
    make_portfolio,
    make_project,
)

PROJECTS = "/api/v1/projects"
PORTFOLIOS = "/api/v1/portfolios"
LINK_NEXT = re.compile(r'<([^>]+)>; rel="next"')
TIMESTAMPS = ("created_at", "updated_at")


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


@pytest.fixture
async def private_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """CSV streams run on an app of their own: on PostgreSQL a failed stream has been seen to
    leave its pooled connection holding table locks, which would stall every later test."""
    async with isolated_client(database_url) as http:
        yield http


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


async def _ids_of(client: httpx.AsyncClient, params: Any) -> set[str]:
    return set(_ids(await list_all(client, PROJECTS, params)))


class TestPagesAndLinkHeader:
    async def test_next_cursor_and_link_are_present_exactly_when_more_rows_remain(
        self, client: httpx.AsyncClient
    ) -> None:
        empty = await client.get(PROJECTS)
        assert empty.json() == {"data": [], "next_cursor": None}
        assert "link" not in empty.headers

        portfolio_id = (await make_portfolio(client))["id"]
        created = [await make_project(client, portfolio_id) for _ in range(5)]

        seen: list[dict[str, Any]] = []
        url: str | None = f"{PROJECTS}?limit=2"
        sizes = []
        while url is not None:
            response = await client.get(url)
            assert response.status_code == 200
            page = response.json()
            seen.extend(page["data"])
            sizes.append(len(page["data"]))
            link = response.headers.get("link")
            if page["next_cursor"] is None:
                assert link is None
                url = None
            else:
                assert link is not None
                match = LINK_NEXT.fullmatch(link)
                assert match is not None, link
                url = match.group(1)
                assert httpx.URL(url).params["cursor"] == page["next_cursor"]
        assert sizes == [2, 2, 1]
        assert seen == created

        exactly_full = await client.get(PROJECTS, params={"limit": 5})
        assert len(exactly_full.json()["data"]) == 5
        assert exactly_full.json()["next_cursor"] is None
        assert "link" not in exactly_full.headers

    async def test_link_keeps_the_filters_sort_and_limit(self, client: httpx.AsyncClient) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        for name in ("delta", "alpha", "charlie"):
            await make_project(client, portfolio_id, name=name, status="active")
        await make_project(client, portfolio_id, name="bravo")

        first = await client.get(PROJECTS, params={"status": "active", "sort": "-name", "limit": 1})
        match = LINK_NEXT.fullmatch(first.headers["link"])
        assert match is not None
        params = httpx.URL(match.group(1)).params
        assert params["status"] == "active"
        assert params["sort"] == "-name"
        assert params["limit"] == "1"
        names = [first.json()["data"][0]["name"]]
        url: str | None = match.group(1)
        while url is not None:
            response = await client.get(url)
            names.extend(row["name"] for row in response.json()["data"])
            found = LINK_NEXT.fullmatch(response.headers.get("link", ""))
            url = found.group(1) if found else None
        assert names == ["delta", "charlie", "alpha"]

    async def test_portfolio_and_objective_lists_page_the_same_way(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolios = [await make_portfolio(client) for _ in range(3)]
        first = await client.get(PORTFOLIOS, params={"limit": 2})
        assert len(first.json()["data"]) == 2
        assert LINK_NEXT.fullmatch(first.headers["link"])
        assert _ids(await list_all(client, PORTFOLIOS, {"limit": 2})) == _ids(portfolios)

        url = f"{PORTFOLIOS}/{portfolios[0]['id']}/objectives"
        for i in range(3):
            assert (await client.post(url, json={"name": f"o{i}"})).status_code == 201
        page = await client.get(url, params={"limit": 2})
        assert len(page.json()["data"]) == 2
        assert LINK_NEXT.fullmatch(page.headers["link"])
        names = [o["name"] for o in await list_all(client, url, {"limit": 2})]
        assert names == ["o0", "o1", "o2"]


class TestFilters:
    async def test_repeated_parameters_are_or_and_different_parameters_are_and(
        self, client: httpx.AsyncClient
    ) -> None:
        a = (await make_portfolio(client))["id"]
        b = (await make_portfolio(client))["id"]
        p1 = (await make_project(client, a, status="active", priority=1))["id"]
        p2 = (await make_project(client, a, status="on_hold", priority=2))["id"]
        p3 = (await make_project(client, b, status="proposed", priority=1))["id"]
        p4 = (await make_project(client, b, status="active", priority=5))["id"]
        p5 = (await make_project(client, a, status="cancelled", priority=3))["id"]

        expectations: list[tuple[Any, set[str]]] = [
            ({"status": ["active", "on_hold"]}, {p1, p2, p4}),
            ({"status": "active"}, {p1, p4}),
            ({"status": "completed"}, set()),
            ({"portfolio_id": a}, {p1, p2, p5}),
            ({"portfolio_id": [a, b]}, {p1, p2, p3, p4, p5}),
            ({"priority": 1}, {p1, p3}),
            ({"priority": [1, 5]}, {p1, p3, p4}),
            ({"status": "active", "priority": 1}, {p1}),
            ({"status": ["active", "proposed"], "portfolio_id": b}, {p3, p4}),
        ]
        answers = {str(params): await _ids_of(client, params) for params, _ in expectations}
        assert answers == {str(params): ids for params, ids in expectations}

    async def test_q_searches_name_code_and_description_case_insensitively(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        apollo = (await make_project(client, portfolio_id, code="APO-1", name="Apollo Rocket"))[
            "id"
        ]
        gemini = (
            await make_project(
                client, portfolio_id, code="GEM-1", name="Gemini", description="a LUNAR study"
            )
        )["id"]
        lander = (await make_project(client, portfolio_id, code="LND-1", name="lunar lander"))["id"]
        percent = (await make_project(client, portfolio_id, code="PCT-1", name="100% done"))["id"]

        expectations: list[tuple[str, set[str]]] = [
            ("lunar", {gemini, lander}),
            ("LUNAR", {gemini, lander}),
            ("LuNaR LaNd", {lander}),
            ("apo", {apollo}),
            ("ROCKET", {apollo}),
            ("gem-1", {gemini}),
            ("%", {percent}),
            ("_", set()),
            ("zzz", set()),
        ]
        answers = {q: await _ids_of(client, {"q": q}) for q, _ in expectations}
        assert answers == dict(expectations)

    async def test_updated_since_returns_rows_updated_at_or_after_the_instant(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        early = await make_project(client, portfolio_id)
        await asyncio.sleep(0.002)
        middle = await make_project(client, portfolio_id)
        await asyncio.sleep(0.002)
        late = await make_project(client, portfolio_id)
        since = middle["updated_at"]
        assert since.endswith("Z")

        assert await _ids_of(client, {"updated_since": since}) == {middle["id"], late["id"]}

        with_offset = datetime.fromisoformat(since).astimezone(timezone(timedelta(hours=2)))
        assert with_offset.isoformat().endswith("+02:00")
        assert await _ids_of(client, {"updated_since": with_offset.isoformat()}) == {
            middle["id"],
            late["id"],
        }

        await asyncio.sleep(0.002)
        touched = await client.patch(f"{PROJECTS}/{early['id']}", json={"name": "touched"})
        assert touched.status_code == 200
        assert await _ids_of(client, {"updated_since": since}) == {
            early["id"],
            middle["id"],
            late["id"],
        }
        after = touched.json()["updated_at"]
        assert await _ids_of(client, {"updated_since": after}) == {early["id"]}
        assert await _ids_of(client, {"updated_since": "2999-01-01T00:00:00Z"}) == set()


def _expected_order(rows: list[dict[str, Any]], sort: str) -> list[str]:
    """The documented order: the sort keys, then `id`; nulls last in either direction."""
    keys = [(token.lstrip("-"), token.startswith("-")) for token in sort.split(",")]
    if "id" not in [name for name, _ in keys]:
        keys.append(("id", False))

    def value(row: dict[str, Any], name: str) -> Any:
        raw = row[name]
        return datetime.fromisoformat(raw) if name in TIMESTAMPS else raw

    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        for name, descending in keys:
            va, vb = value(a, name), value(b, name)
            if va == vb:
                continue
            if va is None or vb is None:
                return 1 if va is None else -1
            order = -1 if va < vb else 1
            return -order if descending else order
        return 0

    return _ids(sorted(rows, key=functools.cmp_to_key(compare)))


class TestSorting:
    async def test_every_sort_field_orders_ascending_and_descending_across_pages(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        specs = [
            ("kilo", 3, "active", 10.5, "2030-03-01", "2030-09-30"),
            ("alpha", 1, "proposed", 0, None, None),
            ("kilo", 5, "on_hold", 2500, "2030-01-15", None),
            ("bravo", 3, "approved", 10.5, None, "2030-12-31"),
            ("alpha", 5, "active", 99.99, "2030-03-01", "2031-01-01"),
            ("zulu", 2, "completed", 0.01, "2029-12-31", "2030-02-01"),
            ("mike", 3, "cancelled", 1000000, "2030-06-01", "2030-06-01"),
            ("alpha", 4, "active", 10.5, None, None),
        ]
        for i, (name, priority, status, budget, start, finish) in enumerate(specs):
            await make_project(
                client,
                portfolio_id,
                code=f"SRT-{chr(ord('Q') - i)}",
                name=name,
                priority=priority,
                status=status,
                budget=budget,
                start_date=start,
                finish_date=finish,
            )
        for code in ("SRT-P", "SRT-N"):
            await client.patch(f"{PROJECTS}/{code}", json={"description": "touched"})
        rows = await list_all(client, PROJECTS)
        assert len(rows) == len(specs)

        sorts = [
            "code", "-code", "name", "-name", "priority", "-priority", "status", "-status",
            "budget", "-budget", "start_date", "-start_date", "finish_date", "-finish_date",
            "created_at", "-created_at", "updated_at", "-updated_at", "id", "-id",
            "-priority,name", "name,-budget", "start_date,-priority", "-finish_date,name",
        ]  # fmt: skip
        got = {s: _ids(await list_all(client, PROJECTS, {"sort": s, "limit": 3})) for s in sorts}
        assert got == {s: _expected_order(rows, s) for s in sorts}

    async def test_default_order_is_creation_order(self, client: httpx.AsyncClient) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        created = [await make_project(client, portfolio_id, name=n) for n in "zyx"]
        assert _ids(await list_all(client, PROJECTS, {"limit": 1})) == _ids(created)


def _cell(value: Any) -> str:
    """What a JSON value looks like as a flat CSV cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


class TestCsvExport:
    async def test_csv_has_every_matching_row_with_the_json_fields_and_values(
        self, private_client: httpx.AsyncClient
    ) -> None:
        portfolio_id = (await make_portfolio(private_client, currency="EUR"))["id"]
        budgets = [0.1, 0.29, 1234567.89, 999999999999.99, 0, 5]
        for i in range(60):
            await make_project(
                private_client,
                portfolio_id,
                name=f'row {i}, with "quotes"' if i % 7 == 0 else f"row {i}",
                description=None if i % 2 else f"line one\nline two {i}",
                tags=[] if i % 3 == 0 else ["x", f"t{i}"],
                status="active" if i % 4 == 0 else "proposed",
                budget=budgets[i % len(budgets)],
                start_date=None if i % 5 == 0 else "2030-01-01",
            )
        rows = await list_all(private_client, PROJECTS)
        assert len(rows) == 60
        assert (await private_client.get(PROJECTS)).json()["next_cursor"] is not None

        by_accept = await private_client.get(PROJECTS, headers={"Accept": "text/csv"})
        by_format = await private_client.get(PROJECTS, params={"format": "csv"})

        for response in (by_accept, by_format):
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            assert "link" not in response.headers
            table = list(csv.reader(io.StringIO(response.text)))
            assert table[0] == list(rows[0])
            assert len(table) == 1 + 60
            assert [dict(zip(table[0], line, strict=True)) for line in table[1:]] == [
                {name: _cell(value) for name, value in row.items()} for row in rows
            ]
            for line in table[1:]:
                record = dict(zip(table[0], line, strict=True))
                for name in TIMESTAMPS:
                    assert record[name].endswith("Z"), record[name]
                    assert datetime.fromisoformat(record[name]).utcoffset() is not None
                assert record["currency"] == "EUR"

    async def test_csv_honours_filters_and_sort(self, private_client: httpx.AsyncClient) -> None:
        portfolio_id = (await make_portfolio(private_client))["id"]
        for i, status in enumerate(["active", "on_hold", "proposed", "active", "on_hold"]):
            await make_project(private_client, portfolio_id, name=f"n{i}", status=status)
        params = {"status": ["active", "on_hold"], "sort": "-name", "format": "csv"}

        response = await private_client.get(PROJECTS, params=params)

        table = list(csv.reader(io.StringIO(response.text)))
        names = [dict(zip(table[0], line, strict=True))["name"] for line in table[1:]]
        assert names == ["n4", "n3", "n1", "n0"]

    async def test_a_bad_sort_on_csv_is_a_422_problem_not_a_broken_stream(
        self, private_client: httpx.AsyncClient
    ) -> None:
        response = await private_client.get(PROJECTS, params={"format": "csv", "sort": "nope"})
        assert_problem(response, 422, loc=["query", "sort"])


_BUDGET_TEXT = re.compile(r'"budget":([-+0-9.eE]+)')


def _budget_texts(text: str) -> list[Decimal]:
    """The budgets exactly as the JSON text spells them (not via a float)."""
    return [Decimal(number) for number in _BUDGET_TEXT.findall(text)]


class TestMoneyIsExact:
    async def test_budgets_round_trip_to_the_cent(self, client: httpx.AsyncClient) -> None:
        portfolio_id = (await make_portfolio(client))["id"]
        amounts = ["0.1", "0.29", "1234567.89", "999999999999.99", "0.07", "1000000000000"]
        created: dict[str, Decimal] = {}
        for i, amount in enumerate(amounts):
            body = f'{{"code": "M-{i}", "portfolio_id": "{portfolio_id}", "budget": {amount}, '
            response = await client.post(
                PROJECTS,
                content=body + '"name": "m"}',
                headers={"Content-Type": "application/json"},
            )
            assert response.status_code == 201, response.text
            assert _budget_texts(response.text) == [Decimal(amount)]
            created[response.json()["id"]] = Decimal(amount)

        for project_id, exact in created.items():
            assert _budget_texts((await client.get(f"{PROJECTS}/{project_id}")).text) == [exact]
        page = await client.get(PROJECTS, params={"limit": 500})
        listed = dict(zip(_ids(page.json()["data"]), _budget_texts(page.text), strict=True))
        assert listed == created

        first = next(iter(created))
        patched = await client.patch(f"{PROJECTS}/{first}", json={"budget": 0.3})
        assert _budget_texts(patched.text) == [Decimal("0.3")]
