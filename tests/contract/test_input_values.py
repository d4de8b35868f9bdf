"""Values out of range, dates out of order, NUL characters, unknown references and duplicates:
422s naming the field (409 for a duplicate), and nothing written.
What all bad input must answer: tests/contract/cases.py."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.contract.cases import (
    JSON,
    PORTFOLIOS,
    PROJECTS,
    case_label,
    create_cases_are_422,
    project_body,
)
from tests.factories import (
    assert_problem,
    count_projects,
    expect_all,
    install_response_guard,
    list_all,
    make_portfolio,
    make_project,
    problem_mismatch,
)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestOutOfRangeValues:
    async def test_each_out_of_range_value_on_create_is_422_naming_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_cases_are_422(
            client,
            [
                ("priority", 0),
                ("priority", 6),
                ("budget", -1),
                ("budget", -0.01),
                ("budget", 1.234),
                ("budget", 0.001),
                ("budget", 1000000000000.01),
                ("code", "apollo-7"),
                ("code", "A"),
                ("code", "A" * 21),
                ("code", "7UP"),
                ("code", "AB_1"),
                ("code", "AB 1"),
                ("name", ""),
                ("name", "   "),
                ("name", "x" * 201),
                ("tags", [f"t{i}" for i in range(51)]),
                ("tags", ["x" * 51]),
                ("tags", [""]),
                ("objectives", ["   "]),
            ],
            locs={
                case_label("tags", ["x" * 51]): ["body", "tags", 0],
                "tags=['']": ["body", "tags", 0],
                "objectives=['   ']": ["body", "objectives", 0],
            },
        )

    async def test_a_number_too_large_for_a_double_is_422(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        raw = f'{{"code": "BIG-1", "portfolio_id": "{portfolio["id"]}", "name": "n", '
        response = await client.post(PROJECTS, content=raw + '"budget": 1e400}', headers=JSON)
        assert_problem(response, 422, loc=["body", "budget"])
        assert await count_projects(client) == 0

    async def test_each_bad_portfolio_field_is_422_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        cases = [
            ("currency", "usd"),
            ("currency", "XXX"),
            ("currency", "US"),
            ("currency", None),
            ("name", ""),
            ("name", None),
            ("owner", 5),
        ]
        await expect_all(
            [
                (
                    (field, value),
                    lambda f=field, v=value: client.post(PORTFOLIOS, json={"name": "P", f: v}),
                    422,
                    ["body", field],
                )
                for field, value in cases
            ]
        )
        assert await list_all(client, PORTFOLIOS) == []

    async def test_limit_outside_1_to_500_is_422(self, client: httpx.AsyncClient) -> None:
        await expect_all(
            [
                (
                    (path, limit),
                    lambda p=path, n=limit: client.get(p, params={"limit": n}),
                    422,
                    ["query", "limit"],
                )
                for limit in (0, 501, -1, "abc")
                for path in (PROJECTS, PORTFOLIOS)
            ]
        )
        for limit in (1, 500):
            assert (await client.get(PROJECTS, params={"limit": limit})).status_code == 200


class TestPlannedAndActualDateOrder:
    async def test_finish_before_start_on_create_is_422_naming_the_finish(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = project_body
        pid = portfolio["id"]
        await expect_all(
            [
                (
                    "planned",
                    lambda: client.post(
                        PROJECTS,
                        json=body(pid, start_date="2030-05-02", finish_date="2030-05-01"),
                    ),
                    422,
                    ["body", "finish_date"],
                ),
                (
                    "actual",
                    lambda: client.post(
                        PROJECTS,
                        json=body(pid, actual_start="2030-05-02", actual_finish="2030-05-01"),
                    ),
                    422,
                    ["body", "actual_finish"],
                ),
            ]
        )
        assert await count_projects(client) == 0
        same_day = await client.post(
            PROJECTS, json=body(pid, start_date="2030-05-01", finish_date="2030-05-01")
        )
        assert same_day.status_code == 201, same_day.text

    async def test_patch_is_checked_against_the_stored_dates(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, start_date="2030-05-10", finish_date="2030-06-30")
        url = f"{PROJECTS}/{project['id']}"

        early_finish = await client.patch(url, json={"finish_date": "2030-05-09"})
        late_start = await client.patch(url, json={"start_date": "2030-07-01"})

        assert_problem(early_finish, 422, loc=["body", "finish_date"])
        body = assert_problem(late_start, 422)
        assert body["errors"][0]["loc"] in (
            ["body", "start_date"],
            ["body", "finish_date"],
        )
        assert (await client.get(url)).json() == project
        cleared = await client.patch(url, json={"start_date": None, "finish_date": "2030-01-01"})
        assert cleared.status_code == 200, cleared.text


class TestNulCharacters:
    """PostgreSQL text cannot hold U+0000; SQLite can. The API must answer the same on both."""

    async def test_nul_in_a_text_field_is_422_and_nothing_is_written(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        await expect_all(
            [
                (
                    "portfolio name",
                    lambda: client.post(PORTFOLIOS, json={"name": "a\u0000b"}),
                    422,
                    ["body", "name"],
                ),
                (
                    "project description",
                    lambda: client.post(
                        PROJECTS,
                        json=project_body(portfolio["id"], code="NUL-1", description="a\u0000"),
                    ),
                    422,
                    ["body", "description"],
                ),
                (
                    "project tag",
                    lambda: client.post(
                        PROJECTS,
                        json=project_body(portfolio["id"], code="NUL-2", tags=["a\u0000"]),
                    ),
                    422,
                    ["body", "tags", 0],
                ),
            ]
        )
        assert await count_projects(client) == 0
        assert [p["id"] for p in await list_all(client, PORTFOLIOS)] == [portfolio["id"]]

    async def test_nul_in_a_filter_is_refused_or_matches_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        """Either answer is right: a 400 (the URL is malformed), a 422 naming the parameter, or
        an empty page (nothing stored can contain U+0000). A 5xx is not."""
        await make_project(client)
        failures = {}
        for name in ("q", "code", "manager", "sponsor"):
            response = await client.get(PROJECTS, params={name: "a\u0000"})
            if response.status_code == 200:
                if response.json()["data"] != []:
                    failures[name] = response.text
            elif response.status_code == 400:
                if problem_mismatch(response, 400, None) is not None:
                    failures[name] = response.text
            elif problem_mismatch(response, 422, ["query", name]) is not None:
                failures[name] = f"{response.status_code} {response.text[:200]}"
        assert failures == {}


class TestReferencesAndUniqueness:
    async def test_unknown_portfolio_on_create_or_patch_is_422_naming_portfolio_id(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        missing = str(uuid.uuid4())

        created = await client.post(PROJECTS, json=project_body(missing))
        moved = await client.patch(url, json={"portfolio_id": missing})

        assert_problem(created, 422, loc=["body", "portfolio_id"])
        assert_problem(moved, 422, loc=["body", "portfolio_id"])
        assert [p["id"] for p in await list_all(client, PROJECTS)] == [project["id"]]
        assert (await client.get(url)).json() == project

    async def test_duplicate_project_code_is_409_on_create_and_on_patch(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await make_project(client, code="DUP-1")
        second = await make_project(client, first["portfolio_id"], code="DUP-2")

        again = await client.post(PROJECTS, json=project_body(first["portfolio_id"], code="DUP-1"))
        renamed = await client.patch(f"{PROJECTS}/{second['id']}", json={"code": "DUP-1"})

        assert_problem(again, 409)
        assert_problem(renamed, 409)
        assert sorted(p["code"] for p in await list_all(client, PROJECTS)) == ["DUP-1", "DUP-2"]
        assert (await client.get(f"{PROJECTS}/{second['id']}")).json() == second

    async def test_duplicate_portfolio_name_is_409_on_create_and_on_patch(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await make_portfolio(client, name="Alpha")
        second = await make_portfolio(client, name="Beta")

        again = await client.post(PORTFOLIOS, json={"name": "Alpha"})
        padded = await client.post(PORTFOLIOS, json={"name": "  Alpha  "})
        renamed = await client.patch(f"{PORTFOLIOS}/{second['id']}", json={"name": "Alpha"})

        assert_problem(again, 409)
        assert_problem(padded, 409)
        assert_problem(renamed, 409)
        names = sorted(p["name"] for p in await list_all(client, PORTFOLIOS))
        assert names == ["Alpha", "Beta"]
        assert (await client.get(f"{PORTFOLIOS}/{second['id']}")).json() == second
        assert (await client.get(f"{PORTFOLIOS}/{first['id']}")).json() == first
