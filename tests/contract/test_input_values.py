"""Bad input never writes anything and never answers 5xx: every refusal is an RFC 9457 problem
with the right status, and a 422 names the offending field in `errors[].loc`.

Families of cases are checked in one test each (one database reset per family keeps the suite
fast); a failure lists every case that answered otherwise."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from tests.factories import (
    assert_problem,
    count_projects,
    expect_all,
    install_response_guard,
    isolated_client,
    list_all,
    make_portfolio,
    make_project,
    problem_mismatch,
)

PROJECTS = "/api/v1/projects"
PORTFOLIOS = "/api/v1/portfolios"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


def _project_body(portfolio_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": "BAD-1", "portfolio_id": portfolio_id, "name": "Bad input"}
    body.update(overrides)
    return body


def _label(field: str, value: Any) -> str:
    return f"{field}={value!r:.40}"


async def _create_cases_are_422(
    client: httpx.AsyncClient,
    cases: list[tuple[str, Any]],
    locs: dict[str, list[Any]] | None = None,
) -> None:
    """POST a valid project body with one field replaced; each must be a 422 naming the field
    (or the item path given in `locs`, keyed by the case label); nothing is written."""
    portfolio = await make_portfolio(client)
    item_locs = locs or {}

    def post(field: str, value: Any) -> Callable[[], Awaitable[httpx.Response]]:
        body = _project_body(portfolio["id"])
        body[field] = value
        return lambda: client.post(PROJECTS, json=body)

    await expect_all(
        [
            (label, post(field, value), 422, item_locs.get(label, ["body", field]))
            for field, value in cases
            for label in [_label(field, value)]
        ]
    )
    assert await count_projects(client) == 0


class TestWrongTypesOnCreate:
    async def test_each_wrongly_typed_field_is_422_naming_it_and_nothing_is_written(
        self, client: httpx.AsyncClient
    ) -> None:
        await _create_cases_are_422(
            client,
            [
                ("priority", "abc"),
                ("priority", 2.5),
                ("budget", "x"),
                ("budget", [1]),
                ("start_date", "notadate"),
                ("start_date", "2030-02-30"),
                ("finish_date", 20300101),
                ("tags", "a,b"),
                ("objectives", "grow"),
                ("deliverables", {"a": 1}),
                ("portfolio_id", "not-a-uuid"),
                ("name", 123),
                ("status", "done"),
                ("ev_method", "magic"),
            ],
        )

    async def test_a_body_that_is_not_an_object_is_422(self, client: httpx.AsyncClient) -> None:
        await expect_all(
            [
                ("array", lambda: client.post(PROJECTS, json=[1, 2]), 422, ["body"]),
                ("string", lambda: client.post(PROJECTS, json="x"), 422, ["body"]),
                ("empty", lambda: client.post(PROJECTS, headers=JSON), 422, ["body"]),
            ]
        )
        assert await count_projects(client) == 0


class TestUnknownFields:
    async def test_unknown_field_on_create_is_422_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        await _create_cases_are_422(client, [("colour", "red"), ("health", "green")])

    async def test_unknown_field_on_patch_is_422_and_the_project_is_unchanged(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"

        await expect_all(
            [
                (f, lambda f=f: client.patch(url, json={f: "x"}), 422, ["body", f])
                for f in ("colour", "currency", "health", "id", "version")
            ]
        )
        assert (await client.get(url)).json() == project


class TestOutOfRangeValues:
    async def test_each_out_of_range_value_on_create_is_422_naming_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        await _create_cases_are_422(
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
                _label("tags", ["x" * 51]): ["body", "tags", 0],
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
        body = _project_body
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


class TestMalformedBodies:
    async def test_bodies_that_are_not_json_are_400(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        url = f"{PORTFOLIOS}/{portfolio['id']}"
        bodies = [b'{"name": ', b"not json", b'{"name": "x",}', b"{'name': 'x'}", b"\xff\xfe"]
        cases = [
            (("post", raw), lambda r=raw: client.post(PROJECTS, content=r, headers=JSON), 400, None)
            for raw in bodies
        ] + [
            (("patch", raw), lambda r=raw: client.patch(url, content=r, headers=JSON), 400, None)
            for raw in bodies
        ]
        await expect_all(cases)
        assert await count_projects(client) == 0
        assert (await client.get(url)).json() == portfolio

    async def test_nesting_deeper_than_the_parser_allows_is_400(
        self, client: httpx.AsyncClient
    ) -> None:
        deep = b"[" * 100_000 + b"]" * 100_000
        assert_problem(await client.post(PORTFOLIOS, content=deep, headers=JSON), 400)
        assert await list_all(client, PORTFOLIOS) == []


class TestBodySizeLimit:
    async def test_a_2_mib_body_is_413_whether_declared_or_streamed(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        big = orjson.dumps(_project_body(portfolio["id"], description="x" * (2 * 1024 * 1024)))

        async def chunks() -> Any:
            for i in range(0, len(big), 64 * 1024):
                yield big[i : i + 64 * 1024]

        declared = await client.post(PROJECTS, content=big, headers=JSON)
        streamed = await client.post(PROJECTS, content=chunks(), headers=JSON)

        assert "content-length" in declared.request.headers
        assert "content-length" not in streamed.request.headers
        assert_problem(declared, 413)
        assert_problem(streamed, 413)
        assert await count_projects(client) == 0

    async def test_a_body_just_under_the_limit_is_read(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        body = _project_body(portfolio["id"], description="x" * 20_000)
        assert (await client.post(PROJECTS, json=body)).status_code == 201


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


class TestBadListParameters:
    async def test_unknown_or_repeated_sort_fields_are_422(self, client: httpx.AsyncClient) -> None:
        await expect_all(
            [
                (
                    sort,
                    lambda s=sort: client.get(PROJECTS, params={"sort": s}),
                    422,
                    ["query", "sort"],
                )
                for sort in ("colour", "-colour", "name,colour", "name,-name", "currency")
            ]
            + [("portfolio", lambda: client.get(PORTFOLIOS, params={"sort": "x"}), 422, None)]
        )

    async def test_garbage_cursors_are_422(self, client: httpx.AsyncClient) -> None:
        for i in range(3):
            await make_project(client, name=f"n{i}")
        by_name = (await client.get(PROJECTS, params={"limit": 1, "sort": "name"})).json()
        issued_for_name = by_name["next_cursor"]
        assert issued_for_name is not None
        any_id = str(uuid.uuid4())
        cursors = {
            "garbage": "garbage",
            "not base64": "!!!!",
            "base64 of text": base64.urlsafe_b64encode(b"hello").decode(),
            "json list": _cursor([1, 2]),
            "json string": _cursor("x"),
            "no values": _cursor({"s": "created_at,id"}),
            "too few values": _cursor({"s": "created_at,id", "v": [any_id]}),
            "too many values": _cursor(
                {"s": "created_at,id", "v": ["2030-01-01T00:00:00+00:00", any_id, 1]}
            ),
            "naive timestamp": _cursor({"s": "created_at,id", "v": ["2030-01-01T00:00", any_id]}),
            "bad uuid": _cursor({"s": "created_at,id", "v": ["2030-01-01T00:00:00Z", "x"]}),
            "string for int": _cursor({"s": "priority,id", "v": ["high", any_id]}),
        }
        cases: list[Any] = [
            (
                label,
                lambda c=c: client.get(PROJECTS, params={"cursor": c}),
                422,
                ["query", "cursor"],
            )
            for label, c in cursors.items()
        ]
        cases.append(
            (
                "issued for another sort",
                lambda: client.get(PROJECTS, params={"cursor": issued_for_name, "sort": "code"}),
                422,
                ["query", "cursor"],
            )
        )
        cases.append(
            (
                "too long",
                lambda: client.get(PROJECTS, params={"cursor": "A" * 5000}),
                422,
                ["query", "cursor"],
            )
        )
        await expect_all(cases)

    async def test_bad_filter_values_are_422_naming_the_parameter(
        self, client: httpx.AsyncClient
    ) -> None:
        cases: list[tuple[dict[str, Any], list[Any]]] = [
            ({"status": "bogus"}, ["query", "status", 0]),
            ({"status": ["active", "bogus"]}, ["query", "status", 1]),
            ({"priority": 9}, ["query", "priority", 0]),
            ({"priority": "high"}, ["query", "priority", 0]),
            ({"portfolio_id": "xyz"}, ["query", "portfolio_id", 0]),
            ({"ev_method": "magic"}, ["query", "ev_method", 0]),
            ({"updated_since": "yesterday"}, ["query", "updated_since"]),
            ({"format": "xml"}, ["query", "format"]),
            ({"q": ""}, ["query", "q"]),
            ({"q": "x" * 201}, ["query", "q"]),
        ]
        await expect_all(
            [
                (str(params), lambda p=params: client.get(PROJECTS, params=p), 422, loc)
                for params, loc in cases
            ]
        )


async def _forged_cursor_failures(
    client: httpx.AsyncClient, cursors: dict[str, tuple[str, list[Any]]]
) -> dict[str, str]:
    """Each forged cursor must be a 422 naming the cursor, or an ordinary page where the
    database can compare the value; returns the cases that answered otherwise."""
    failures = {}
    for label, (sort, values) in cursors.items():
        params = {"sort": sort, "cursor": _cursor({"s": f"{sort},id", "v": values})}
        try:
            response = await client.get(PROJECTS, params=params)
        except Exception as exc:
            failures[label] = f"raised {exc!r:.300}"
            continue
        if response.status_code != 200:
            problem = problem_mismatch(response, 422, ["query", "cursor"])
            if problem is not None:
                failures[label] = problem
    return failures


@pytest.fixture
async def private_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(database_url) as http:
        yield http


async def _lock_conflict(database_url: str) -> str | None:
    """On PostgreSQL: None when nothing else holds a lock on `projects`, else the error."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL lock_timeout = '1s'"))
            await conn.execute(text("LOCK TABLE projects IN ACCESS EXCLUSIVE MODE"))
    except DBAPIError as exc:
        return str(exc.orig)[:200]
    finally:
        await engine.dispose()
    return None


class TestForgedCursors:
    """A cursor is opaque, but a client can still send any bytes. A well-formed cursor holding
    values its column cannot hold must never be a 5xx: a 422 naming the cursor, or (where the
    database can compare the value) an ordinary page."""

    async def test_forged_cursor_values_are_refused_or_harmless(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_project(client)
        any_id = str(uuid.uuid4())
        failures = await _forged_cursor_failures(
            client,
            {
                "bool for int": ("priority", [True, any_id]),
                "NUL in string": ("name", ["a\u0000", any_id]),
                "timestamp out of range in UTC": (
                    "created_at",
                    ["0001-01-01T00:00:00+14:00", any_id],
                ),
            },
        )
        assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())

    async def test_integers_beyond_the_column_are_refused_and_hold_no_lock_afterwards(
        self, private_client: httpx.AsyncClient, database_url: str, dialect: str
    ) -> None:
        await make_project(private_client)
        any_id = str(uuid.uuid4())

        failures = await _forged_cursor_failures(
            private_client,
            {
                "int beyond smallint": ("priority", [40000, any_id]),
                "int beyond bigint": ("budget", [2**63, any_id]),
            },
        )

        if dialect == "postgresql":
            conflict = await _lock_conflict(database_url)
            if conflict is not None:
                failures["locks"] = f"a pooled connection still holds a lock: {conflict}"
        assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


class TestTimestampsOutOfRange:
    async def test_updated_since_that_overflows_in_utc_is_422(
        self, client: httpx.AsyncClient
    ) -> None:
        await expect_all(
            [
                (
                    since,
                    lambda s=since: client.get(PROJECTS, params={"updated_since": s}),
                    422,
                    ["query", "updated_since"],
                )
                for since in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00")
            ]
        )


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
                        json=_project_body(portfolio["id"], code="NUL-1", description="a\u0000"),
                    ),
                    422,
                    ["body", "description"],
                ),
                (
                    "project tag",
                    lambda: client.post(
                        PROJECTS,
                        json=_project_body(portfolio["id"], code="NUL-2", tags=["a\u0000"]),
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


class TestUnknownRoutesAndMethods:
    async def test_unknown_paths_and_resources_are_404_problems(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = str(uuid.uuid4())
        paths = [
            "/api/v1/nope",
            "/nope",
            "/api/v2/projects",
            f"{PROJECTS}/NOPE-1",
            f"{PROJECTS}/{missing}",
            f"{PROJECTS}/not%20a%20code",
            f"{PORTFOLIOS}/{missing}",
            f"{PORTFOLIOS}/{missing}/objectives",
        ]
        await expect_all([(p, lambda p=p: client.get(p), 404, None) for p in paths])
        await expect_all(
            [
                ("patch", lambda: client.patch(f"{PROJECTS}/{missing}", json={}), 404, None),
                ("delete", lambda: client.delete(f"{PROJECTS}/NOPE-1"), 404, None),
                ("delete pf", lambda: client.delete(f"{PORTFOLIOS}/{missing}"), 404, None),
            ]
        )

    async def test_wrong_methods_are_405_problems(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        await expect_all(
            [
                ("put collection", lambda: client.put(PROJECTS, json={}), 405, None),
                ("delete collection", lambda: client.delete(PROJECTS), 405, None),
                ("post item", lambda: client.post(url, json={}), 405, None),
                ("put item", lambda: client.put(url, json={}), 405, None),
                ("delete portfolios", lambda: client.delete(PORTFOLIOS), 405, None),
            ]
        )
        assert (await client.get(url)).json() == project

    async def test_a_405_lists_every_method_the_resource_supports_in_allow(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.put(PROJECTS, json={})
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers.get("allow", "").split(",")}
        assert {"GET", "POST"} <= allowed, response.headers.get("allow")


class TestReferencesAndUniqueness:
    async def test_unknown_portfolio_on_create_or_patch_is_422_naming_portfolio_id(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        missing = str(uuid.uuid4())

        created = await client.post(PROJECTS, json=_project_body(missing))
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

        again = await client.post(PROJECTS, json=_project_body(first["portfolio_id"], code="DUP-1"))
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


class TestNullForRequiredFieldsInPatch:
    async def test_null_for_a_field_that_cannot_be_cleared_is_422_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        portfolio = (await client.get(f"{PORTFOLIOS}/{project['portfolio_id']}")).json()
        url = f"{PROJECTS}/{project['id']}"
        required = (
            "code", "portfolio_id", "name", "objectives", "deliverables", "constraints",
            "priority", "status", "budget", "ev_method", "tags",
        )  # fmt: skip
        pf_url = f"{PORTFOLIOS}/{portfolio['id']}"
        await expect_all(
            [(f, lambda f=f: client.patch(url, json={f: None}), 422, ["body", f]) for f in required]
            + [
                (
                    f"portfolio {f}",
                    lambda f=f: client.patch(pf_url, json={f: None}),
                    422,
                    ["body", f],
                )
                for f in ("name", "currency")
            ]
        )
        assert (await client.get(url)).json() == project
        assert (await client.get(pf_url)).json() == portfolio


class TestTypesAsTheContractWritesThem:
    """Values pydantic's lax mode would coerce are refused as the OpenAPI document types them
    (core/inputs.py): no boolean or text for a number, no number for a date or a boolean."""

    async def test_lax_body_values_are_422_naming_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        await _create_cases_are_422(
            client,
            [
                ("budget", True),
                ("budget", "1e3"),
                ("budget", "NaN"),
                ("budget", " 100"),
                ("priority", False),
                ("priority", "2"),
                ("start_date", 0),
                ("start_date", "2030-01-01T00:00:00"),
                ("finish_date", 1893456000),
            ],
        )

    async def test_money_as_a_decimal_numeral_string_is_taken_as_the_spec_says(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = _project_body(portfolio["id"], budget="1234.50")
        response = await client.post(PROJECTS, json=body)
        assert response.status_code == 201, response.text
        assert response.json()["budget"] == 1234.5

    async def test_lax_milestone_and_risk_values_are_422(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client))["code"]
        milestone = {"name": "m", "due_date": "2030-01-01"}
        risk = {"title": "r", "probability": 3, "impact": 3}

        def post(path: str, body: dict[str, Any]) -> Callable[[], Awaitable[httpx.Response]]:
            return lambda: client.post(f"{PROJECTS}/{code}/{path}", json=body)

        await expect_all(
            [
                (
                    "is_gate=1",
                    post("milestones", {**milestone, "is_gate": 1}),
                    422,
                    ["body", "is_gate"],
                ),
                (
                    "is_gate='true'",
                    post("milestones", {**milestone, "is_gate": "true"}),
                    422,
                    ["body", "is_gate"],
                ),
                (
                    "weight=true",
                    post("milestones", {**milestone, "weight": True}),
                    422,
                    ["body", "weight"],
                ),
                (
                    "probability=true",
                    post("risks", {**risk, "probability": True}),
                    422,
                    ["body", "probability"],
                ),
                ("impact='4'", post("risks", {**risk, "impact": "4"}), 422, ["body", "impact"]),
            ]
        )
        for path in ("milestones", "risks"):
            listed = await client.get(f"{PROJECTS}/{code}/{path}")
            assert listed.json()["data"] == [], path  # nothing was written

    async def test_lax_query_values_are_422_and_the_written_forms_pass(
        self, client: httpx.AsyncClient
    ) -> None:
        code = (await make_project(client))["code"]

        def get(path: str, **params: str) -> Callable[[], Awaitable[httpx.Response]]:
            return lambda: client.get(path, params=params)

        evm = f"{PROJECTS}/{code}/evm"
        milestones = f"{PROJECTS}/{code}/milestones"
        await expect_all(
            [
                ("as_of=0", get(evm, as_of="0"), 422, ["query", "as_of"]),
                ("as_of=epoch", get(evm, as_of="1700000000"), 422, ["query", "as_of"]),
                ("is_gate=1", get(milestones, is_gate="1"), 422, ["query", "is_gate"]),
                ("is_gate=yes", get(milestones, is_gate="yes"), 422, ["query", "is_gate"]),
                (
                    "updated_since no seconds",
                    get(PROJECTS, updated_since="2026-01-01T09:00"),
                    422,
                    ["query", "updated_since"],
                ),
                (
                    "updated_since=0",
                    get(PROJECTS, updated_since="0"),
                    422,
                    ["query", "updated_since"],
                ),
            ]
        )
        for path, params in (
            (evm, {"as_of": "2026-01-31"}),
            (milestones, {"is_gate": "true"}),
            (milestones, {"is_gate": "false"}),
            (PROJECTS, {"updated_since": "2026-01-01T09:00:00"}),
            (PROJECTS, {"updated_since": "2026-01-01T09:00:00.5+02:00"}),
        ):
            response = await client.get(path, params=params)
            assert response.status_code == 200, (path, params, response.text)
