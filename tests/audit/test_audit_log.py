"""The audit trail (CONTRACT §7): every write, REST or GraphQL, leaves one event (who, when, the
object, the action, the changed fields before and after, in API units) in the same transaction as
the write; a write that fails leaves none; admins read it at /api/v1/audit-events, as JSON pages
or CSV, filtered by object, key and time."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.keys import hash_secret
from pmo_api.access.principal import Role
from pmo_api.audit import recorder
from tests.factories import assert_problem, key_id_of, list_all, make_portfolio, make_project

AUDIT = "/api/v1/audit-events"
CSV_COLUMNS = [
    "id",
    "occurred_at",
    "actor_key_id",
    "actor_name",
    "actor_subject",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "correlation_id",
]
BOOKKEEPING = {"id", "created_at", "updated_at", "version", "secret_hash"}


@dataclass(frozen=True)
class Expected:
    """One event the script expects: `before`/`after` exact, unless `*_subset` (then only those
    fields are compared, for creates and deletes whose full rows are long)."""

    action: str
    object_type: str
    object_id: str
    actor_key_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    subset: bool = False
    request_id: str | None = None


@dataclass
class Script:
    expected: list[Expected] = field(default_factory=list)
    admin_id: str = ""
    editor_id: str = ""
    portfolio_id: str = ""
    project_id: str = ""
    objective_id: str = ""
    temp_key_id: str = ""
    temp_secret: str = ""
    started: datetime = field(default_factory=lambda: datetime.now(UTC))


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def events_of(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    return await list_all(client, AUDIT, {"limit": 500, **params})


def rid() -> str:
    return f"audit-{uuid.uuid4().hex}"


async def assert_no_new_event(client: httpx.AsyncClient, count: int, what: str) -> None:
    now = await events_of(client)
    assert len(now) == count, f"{what} left an event: {now[count:]}"


async def run_script(app: FastAPI, client: httpx.AsyncClient, admin_key: str) -> Script:
    """A scripted sequence of writes, REST and GraphQL, by three actors, with failed writes in
    between; returns the events it should have left, in order."""
    s = Script(admin_id=key_id_of(admin_key))
    e = s.expected

    # 0. A key made by the command line (as `pmo-api create-api-key` does): actor "local".
    editor_key = await harness.make_key(app, Role.editor)
    s.editor_id = key_id_of(editor_key)
    e.append(Expected("create", "api_key", s.editor_id, "local", None, {"role": "editor"}, True))
    viewer_key = await harness.make_key(app, Role.viewer)
    e.append(
        Expected(
            "create", "api_key", key_id_of(viewer_key), "local", None, {"role": "viewer"}, True
        )
    )
    editor = harness.http_client(app, editor_key)
    viewer = harness.http_client(app, viewer_key)

    # 1. Create a portfolio (REST, admin), after a failed attempt (422).
    bad = await client.post("/api/v1/portfolios", json={"name": "", "currency": "EUR"})
    assert bad.status_code == 422
    r = rid()
    response = await client.post(
        "/api/v1/portfolios",
        json={"name": "Audit P", "currency": "EUR"},
        headers={"X-Request-ID": r},
    )
    assert response.status_code == 201, response.text
    s.portfolio_id = response.json()["id"]
    after = {"name": "Audit P", "description": None, "currency": "EUR", "owner": None}
    e.append(Expected("create", "portfolio", s.portfolio_id, s.admin_id, None, after, False, r))
    duplicate = await client.post("/api/v1/portfolios", json={"name": "Audit P"})
    assert duplicate.status_code == 409

    # 2. Update it (REST); a stale If-Match (412) and a no-op patch leave nothing.
    r = rid()
    path = f"/api/v1/portfolios/{s.portfolio_id}"
    response = await client.patch(path, json={"description": "first"}, headers={"X-Request-ID": r})
    assert response.status_code == 200, response.text
    before, after = {"description": None}, {"description": "first"}
    e.append(Expected("update", "portfolio", s.portfolio_id, s.admin_id, before, after, False, r))
    stale = await client.patch(path, json={"owner": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    same = await client.patch(path, json={"description": "first"})
    assert same.status_code == 200 and same.json()["version"] == 2

    # 3. Create a project (GraphQL, editor); a duplicate code and a viewer's try leave nothing.
    create = """
    mutation($input: ProjectCreateInput!) {
      createProject(input: $input) { __typename ... on Project { id } }
    }"""
    fields = {
        "code": "AUD-1",
        "portfolioId": s.portfolio_id,
        "name": "Audited",
        "budget": 1234.56,
        "startDate": "2025-01-31",
    }
    async with editor as editor_client:
        data = await gql(editor_client, create, input=fields)
        assert data["createProject"]["__typename"] == "Project", data
        s.project_id = data["createProject"]["id"]
        after = {
            "code": "AUD-1",
            "portfolio_id": s.portfolio_id,
            "name": "Audited",
            "budget": 1234.56,
            "start_date": "2025-01-31",
            "status": "proposed",
            "tags": [],
        }
        e.append(Expected("create", "project", s.project_id, s.editor_id, None, after, True))
        again = await gql(editor_client, create, input=fields)
        assert again["createProject"]["__typename"] == "ConflictError", again

        # 4. Approve it (REST, editor); a transition the lifecycle refuses (409) leaves nothing.
        r = rid()
        project_path = f"/api/v1/projects/{s.project_id}"
        response = await editor_client.patch(
            project_path, json={"status": "approved"}, headers={"X-Request-ID": r}
        )
        assert response.status_code == 200, response.text
        before, after = {"status": "proposed"}, {"status": "approved"}
        e.append(Expected("update", "project", s.project_id, s.editor_id, before, after, False, r))
        refused = await editor_client.patch(project_path, json={"status": "completed"})
        assert refused.status_code == 409, refused.text
    async with viewer as viewer_client:
        forbidden = await viewer_client.patch(project_path, json={"name": "no"})
        assert forbidden.status_code == 403

    # 5. Re-budget it (REST, admin, with the right If-Match): money in API units.
    r = rid()
    response = await client.patch(
        project_path,
        json={"budget": 99.99, "tags": ["audited"]},
        headers={"If-Match": '"2"', "X-Request-ID": r},
    )
    assert response.status_code == 200, response.text
    before, after = {"budget": 1234.56, "tags": []}, {"budget": 99.99, "tags": ["audited"]}
    e.append(Expected("update", "project", s.project_id, s.admin_id, before, after, False, r))

    # 6. Add an objective (REST, admin).
    r = rid()
    response = await client.post(
        f"/api/v1/portfolios/{s.portfolio_id}/objectives",
        json={"name": "Grow", "weight": 2.5},
        headers={"X-Request-ID": r},
    )
    assert response.status_code == 201, response.text
    s.objective_id = response.json()["id"]
    after = {"portfolio_id": s.portfolio_id, "name": "Grow", "description": None, "weight": 2.5}
    e.append(Expected("create", "objective", s.objective_id, s.admin_id, None, after, False, r))

    # 7. Rename the portfolio (GraphQL, admin).
    data = await gql(
        client,
        """mutation($id: ID!) { updatePortfolio(id: $id, patch: {name: "Audit P2"})
        { __typename } }""",
        id=s.portfolio_id,
    )
    assert data["updatePortfolio"]["__typename"] == "Portfolio", data
    before, after = {"name": "Audit P"}, {"name": "Audit P2"}
    e.append(Expected("update", "portfolio", s.portfolio_id, s.admin_id, before, after))

    # 8. Delete the objective (REST): the whole object before, nothing after.
    r = rid()
    objective_path = f"/api/v1/portfolios/{s.portfolio_id}/objectives/{s.objective_id}"
    response = await client.delete(objective_path, headers={"X-Request-ID": r})
    assert response.status_code == 204, response.text
    before = {"portfolio_id": s.portfolio_id, "name": "Grow", "description": None, "weight": 2.5}
    e.append(Expected("delete", "objective", s.objective_id, s.admin_id, before, None, False, r))

    # 9. Create an API key (REST, with Idempotency-Key: the replay is no second write).
    r = rid()
    body = {"name": "temporary", "role": "viewer"}
    idempotency = {"Idempotency-Key": f"audit-{uuid.uuid4().hex}", "X-Request-ID": r}
    response = await client.post("/api/v1/api-keys", json=body, headers=idempotency)
    assert response.status_code == 201, response.text
    replay = await client.post("/api/v1/api-keys", json=body, headers=idempotency)
    assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
    s.temp_key_id, s.temp_secret = response.json()["id"], response.json()["key"].split("_", 2)[2]
    after = {
        "name": "temporary",
        "role": "viewer",
        "portfolio_ids": None,
        "expires_at": None,
        "created_by": s.admin_id,
    }
    e.append(Expected("create", "api_key", s.temp_key_id, s.admin_id, None, after, True, r))

    # 10. Revoke it.
    r = rid()
    response = await client.delete(f"/api/v1/api-keys/{s.temp_key_id}", headers={"X-Request-ID": r})
    assert response.status_code == 204, response.text
    e.append(
        Expected(
            "revoke", "api_key", s.temp_key_id, s.admin_id, {"revoked_at": None}, None, True, r
        )
    )

    # 11. Delete the project (GraphQL, editor); a stale expectedVersion leaves nothing.
    async with harness.http_client(app, editor_key) as editor_client:
        delete = """mutation($code: String!, $v: Int) {
          deleteProject(project: $code, expectedVersion: $v) { __typename } }"""
        stale_delete = await gql(editor_client, delete, code="AUD-1", v=1)
        assert stale_delete["deleteProject"]["__typename"] == "PreconditionFailedError"
        data = await gql(editor_client, delete, code="AUD-1", v=3)
        assert data["deleteProject"]["__typename"] == "Deleted", data
    before = {"code": "AUD-1", "status": "approved", "budget": 99.99, "tags": ["audited"]}
    e.append(Expected("delete", "project", s.project_id, s.editor_id, before, None, True))

    # 12. Delete the portfolio, now empty (REST).
    r = rid()
    response = await client.delete(
        f"/api/v1/portfolios/{s.portfolio_id}", headers={"X-Request-ID": r}
    )
    assert response.status_code == 204, response.text
    before = {"name": "Audit P2", "description": "first", "currency": "EUR", "owner": None}
    e.append(Expected("delete", "portfolio", s.portfolio_id, s.admin_id, before, None, False, r))
    return s


def check_event(event: dict[str, Any], expected: Expected, index: int) -> None:
    where = f"event {index} ({expected.action} {expected.object_type})"
    got = (event["action"], event["object_type"], event["object_id"], event["actor_key_id"])
    want = (expected.action, expected.object_type, expected.object_id, expected.actor_key_id)
    assert got == want, (where, got, want)
    for side in ("before", "after"):
        value, wanted = event[side], getattr(expected, side)
        if wanted is None:
            if side == "after" and expected.action == "revoke":
                assert value is not None and value["revoked_at"], (where, value)
                continue
            assert value is None, (where, side, value)
            continue
        assert isinstance(value, dict), (where, side, value)
        assert not BOOKKEEPING & set(value), (where, side, value)
        if expected.subset:
            assert {k: value.get(k) for k in wanted} == wanted, (where, side, value)
        else:
            assert value == wanted, (where, side, value)
    if expected.request_id is not None:
        # The client's X-Request-ID is the correlation id; the request id is the server's own.
        assert event["correlation_id"] == expected.request_id, where
        assert len(event["request_id"]) == 32 and event["request_id"] != expected.request_id


@pytest.fixture
async def script(app: FastAPI, client: httpx.AsyncClient, admin_key: str) -> Script:
    return await run_script(app, client, admin_key)


class TestTheLogReplaysTheWrites:
    async def test_every_write_and_only_those_in_order(
        self, client: httpx.AsyncClient, script: Script
    ) -> None:
        events = await events_of(client)
        summary = [(ev["action"], ev["object_type"]) for ev in events]
        wanted = [(ex.action, ex.object_type) for ex in script.expected]
        assert summary == wanted
        for index, (event, expected) in enumerate(zip(events, script.expected, strict=True)):
            check_event(event, expected, index)

    async def test_events_say_who_and_when(self, client: httpx.AsyncClient, script: Script) -> None:
        events = await events_of(client)
        times = [datetime.fromisoformat(ev["occurred_at"]) for ev in events]
        assert times == sorted(times)
        assert script.started - timedelta(seconds=1) <= times[0]
        assert times[-1] <= datetime.now(UTC) + timedelta(seconds=1)
        names = {ev["actor_key_id"]: ev["actor_name"] for ev in events}
        assert names["local"] == "command line"
        assert names[script.editor_id] == "test editor"
        assert names[script.admin_id] == "test admin"

    async def test_a_revocation_records_when(
        self, client: httpx.AsyncClient, script: Script
    ) -> None:
        (event,) = await events_of(client, action="revoke")
        key = (await client.get(f"/api/v1/api-keys/{script.temp_key_id}")).json()
        revoked = datetime.fromisoformat(event["after"]["revoked_at"])
        assert revoked == datetime.fromisoformat(key["revoked_at"])

    async def test_secrets_never_appear(
        self, client: httpx.AsyncClient, script: Script, admin_key: str
    ) -> None:
        text = (await client.get(AUDIT, params={"limit": 500})).text
        text += (await client.get(AUDIT, params={"format": "csv"})).text
        assert "secret_hash" not in text
        assert script.temp_secret not in text and hash_secret(script.temp_secret) not in text
        assert admin_key.split("_", 2)[2] not in text

    async def test_pages_walk_the_same_sequence(
        self, client: httpx.AsyncClient, script: Script
    ) -> None:
        whole = [ev["id"] for ev in await events_of(client)]
        paged = [ev["id"] for ev in await list_all(client, AUDIT, {"limit": 2})]
        assert paged == whole and len(whole) == len(script.expected)


class TestFilters:
    async def test_by_object(self, client: httpx.AsyncClient, script: Script) -> None:
        for object_id in (script.portfolio_id, script.project_id, script.temp_key_id):
            got = [
                (ev["action"], ev["object_id"])
                for ev in await events_of(client, object_id=object_id)
            ]
            wanted = [
                (ex.action, ex.object_id) for ex in script.expected if ex.object_id == object_id
            ]
            assert got == wanted and got

    async def test_by_key(self, client: httpx.AsyncClient, script: Script) -> None:
        for actor in (script.editor_id, script.admin_id, "local"):
            got = [ev["object_id"] for ev in await events_of(client, actor_key_id=actor)]
            wanted = [ex.object_id for ex in script.expected if ex.actor_key_id == actor]
            assert got == wanted and got, actor

    async def test_by_action_and_type_repeated_for_or(
        self, client: httpx.AsyncClient, script: Script
    ) -> None:
        got = await events_of(client, action=["create", "delete"], object_type="project")
        assert [ev["action"] for ev in got] == ["create", "delete"]
        both = await events_of(
            client, object_type=["objective", "api_key"], actor_key_id=script.admin_id
        )
        assert [(ev["action"], ev["object_type"]) for ev in both] == [
            ("create", "objective"),
            ("delete", "objective"),
            ("create", "api_key"),
            ("revoke", "api_key"),
        ]

    async def test_by_time_bounds_inclusive(
        self, client: httpx.AsyncClient, script: Script
    ) -> None:
        events = await events_of(client)
        ids = [ev["id"] for ev in events]
        middle = events[5]["occurred_at"]
        since = [ev["id"] for ev in await events_of(client, **{"from": middle})]
        until = [ev["id"] for ev in await events_of(client, to=middle)]
        assert since == ids[5:]
        assert until == ids[:6]
        window = await events_of(
            client, **{"from": events[3]["occurred_at"], "to": events[7]["occurred_at"]}
        )
        assert [ev["id"] for ev in window] == ids[3:8]
        incremental = await events_of(client, updated_since=middle)
        assert [ev["id"] for ev in incremental] == ids[5:]
        later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        assert await events_of(client, **{"from": later}) == []

    async def test_bad_filters_are_422(self, client: httpx.AsyncClient, script: Script) -> None:
        for params in ({"object_id": "nope"}, {"from": "yesterday"}, {"sort": "actor_name"}):
            response = await client.get(AUDIT, params=params)
            assert response.status_code == 422, (params, response.text)


class TestCsv:
    async def test_the_csv_is_the_same_sequence(
        self, client: httpx.AsyncClient, script: Script
    ) -> None:
        events = await events_of(client)
        for request in (
            client.get(AUDIT, params={"format": "csv"}),
            client.get(AUDIT, headers={"Accept": "text/csv"}),
        ):
            response = await request
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("text/csv")
            rows = list(csv.DictReader(io.StringIO(response.text)))
            assert list(rows[0]) == CSV_COLUMNS
            assert [r["id"] for r in rows] == [ev["id"] for ev in events]
            for row, event in zip(rows, events, strict=True):
                for name in ("action", "object_type", "object_id", "actor_key_id"):
                    assert row[name] == event[name]
                for side in ("before", "after"):
                    assert (json.loads(row[side]) if row[side] else None) == event[side]

    async def test_the_csv_honours_filters(self, client: httpx.AsyncClient, script: Script) -> None:
        response = await client.get(AUDIT, params={"format": "csv", "object_id": script.project_id})
        rows = list(csv.DictReader(io.StringIO(response.text)))
        wanted = [ex.action for ex in script.expected if ex.object_id == script.project_id]
        assert [r["action"] for r in rows] == wanted


class TestWhoMayRead:
    async def test_only_an_unlimited_admin_reads_the_trail(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        portfolio = await make_portfolio(client)
        limited_admin = await harness.make_key(app, Role.admin, [uuid.UUID(portfolio["id"])])
        for key in (
            limited_admin,
            await harness.make_key(app, Role.editor),
            await harness.make_key(app, Role.viewer),
        ):
            async with harness.http_client(app, key) as caller:
                for params in ({}, {"format": "csv"}, {"object_id": portfolio["id"]}):
                    response = await caller.get(AUDIT, params=params)
                    assert response.status_code == 403, response.text
                    assert portfolio["id"] not in response.text
        async with harness.http_client(app, None) as anonymous:
            assert (await anonymous.get(AUDIT)).status_code == 401


# --- failed writes leave nothing ------------------------------------------------------------


@dataclass
class Setting:
    app: FastAPI
    admin: httpx.AsyncClient
    portfolio: dict[str, Any]
    project: dict[str, Any]
    other_portfolio: dict[str, Any]


Attempt = Callable[[Setting], Awaitable[httpx.Response]]


async def as_key(
    setting: Setting, role: Role, method: str, path: str, scope: str | None = None, **kw: Any
) -> httpx.Response:
    ids = None if scope is None else [uuid.UUID(scope)]
    key = await harness.make_key(setting.app, role, ids)
    async with harness.http_client(setting.app, key) as caller:
        return await caller.request(method, path, **kw)


async def anonymous(setting: Setting, method: str, path: str, **kw: Any) -> httpx.Response:
    async with harness.http_client(setting.app, None) as caller:
        return await caller.request(method, path, **kw)


def project_path(s: Setting) -> str:
    return f"/api/v1/projects/{s.project['id']}"


async def graphql_result(response: httpx.Response, name: str) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["data"][name]["__typename"])


FAILING_WRITES: dict[str, tuple[Attempt, int | str]] = {
    "duplicate portfolio name (409)": (
        lambda s: s.admin.post("/api/v1/portfolios", json={"name": s.portfolio["name"]}),
        409,
    ),
    "duplicate project code (409)": (
        lambda s: s.admin.post(
            "/api/v1/projects",
            json={"code": s.project["code"], "portfolio_id": s.portfolio["id"], "name": "d"},
        ),
        409,
    ),
    "lifecycle refuses the transition (409)": (
        lambda s: s.admin.patch(project_path(s), json={"status": "completed"}),
        409,
    ),
    "portfolio with projects cannot be deleted (409)": (
        lambda s: s.admin.delete(f"/api/v1/portfolios/{s.portfolio['id']}"),
        409,
    ),
    "stale If-Match on PATCH (412)": (
        lambda s: s.admin.patch(project_path(s), json={"name": "n"}, headers={"If-Match": '"9"'}),
        412,
    ),
    "stale If-Match on DELETE (412)": (
        lambda s: s.admin.delete(project_path(s), headers={"If-Match": '"9"'}),
        412,
    ),
    "invalid body (422)": (
        lambda s: s.admin.patch(project_path(s), json={"priority": 9}),
        422,
    ),
    "finish before start (422)": (
        lambda s: s.admin.patch(
            project_path(s), json={"start_date": "2025-02-01", "finish_date": "2025-01-01"}
        ),
        422,
    ),
    "project in a portfolio that does not exist (422)": (
        lambda s: s.admin.post(
            "/api/v1/projects",
            json={"code": "NEW-1", "portfolio_id": str(uuid.uuid4()), "name": "n"},
        ),
        422,
    ),
    "missing project (404)": (
        lambda s: s.admin.patch("/api/v1/projects/NOPE-1", json={"name": "n"}),
        404,
    ),
    "viewer writes (403)": (
        lambda s: as_key(s, Role.viewer, "PATCH", project_path(s), json={"name": "n"}),
        403,
    ),
    "editor writes a portfolio (403)": (
        lambda s: as_key(s, Role.editor, "POST", "/api/v1/portfolios", json={"name": "n"}),
        403,
    ),
    "limited editor writes outside its portfolios (404)": (
        lambda s: as_key(
            s, Role.editor, "PATCH", project_path(s), s.other_portfolio["id"], json={"name": "n"}
        ),
        404,
    ),
    "limited editor moves a project out of its portfolios (422)": (
        lambda s: as_key(
            s,
            Role.editor,
            "PATCH",
            project_path(s),
            s.portfolio["id"],
            json={"portfolio_id": s.other_portfolio["id"]},
        ),
        422,
    ),
    "no key (401)": (
        lambda s: anonymous(s, "POST", "/api/v1/portfolios", json={"name": "n"}),
        401,
    ),
    "body too large (413)": (
        lambda s: s.admin.post(
            "/api/v1/portfolios",
            content=b'{"name": "' + b"x" * (s.app.state.settings.max_body_bytes + 1) + b'"}',
            headers={"Content-Type": "application/json"},
        ),
        413,
    ),
    "GraphQL: duplicate portfolio (ConflictError)": (
        lambda s: s.admin.post(
            "/graphql",
            json={
                "query": "mutation($n: String!) { createPortfolio(input: {name: $n}) "
                "{ __typename } }",
                "variables": {"n": s.portfolio["name"]},
            },
        ),
        "ConflictError",
    ),
    "GraphQL: stale expectedVersion (PreconditionFailedError)": (
        lambda s: s.admin.post(
            "/graphql",
            json={
                "query": "mutation($p: String!) { updateProject(project: $p, "
                'patch: {name: "n"}, expectedVersion: 9) { __typename } }',
                "variables": {"p": s.project["code"]},
            },
        ),
        "PreconditionFailedError",
    ),
    "GraphQL: invalid input (ValidationFailed)": (
        lambda s: s.admin.post(
            "/graphql",
            json={
                "query": "mutation($p: String!) { updateProject(project: $p, "
                "patch: {priority: 9}) { __typename } }",
                "variables": {"p": s.project["code"]},
            },
        ),
        "ValidationFailed",
    ),
}


@pytest.fixture
async def setting(app: FastAPI, client: httpx.AsyncClient) -> Setting:
    portfolio = await make_portfolio(client)
    other = await make_portfolio(client)
    project = await make_project(client, portfolio["id"])
    return Setting(app, client, portfolio, project, other)


class TestFailedWritesLeaveNothing:
    @pytest.mark.parametrize("case", list(FAILING_WRITES))
    async def test_a_failed_write_leaves_no_event(self, setting: Setting, case: str) -> None:
        attempt, outcome = FAILING_WRITES[case]
        before = await events_of(setting.admin)
        keys_before = {ev["id"] for ev in before if ev["object_type"] == "api_key"}
        response = await attempt(setting)
        if isinstance(outcome, int):
            assert response.status_code == outcome, response.text
        else:
            name = next(iter(response.json()["data"]))
            assert await graphql_result(response, name) == outcome, response.text
        after = await events_of(setting.admin)
        # A key made for the attempt is itself a write (by the command line); nothing else.
        new = [ev for ev in after if ev["id"] not in {b["id"] for b in before}]
        assert all(
            ev["object_type"] == "api_key" and ev["actor_key_id"] == "local" for ev in new
        ), new
        assert keys_before <= {ev["id"] for ev in after}
        project = (await setting.admin.get(project_path(setting))).json()
        assert project["version"] == setting.project["version"]


class _Boom(Exception):
    pass


@pytest.fixture
async def lenient_client(app: FastAPI, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """An admin client that receives the 500 of an unexpected error instead of the exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {admin_key}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as http:
        yield http


class TestTheEventSharesTheWritesTransaction:
    @pytest.mark.parametrize("when", ["after the event", "instead of the event"])
    async def test_a_failure_at_the_audit_step_undoes_the_write_and_the_event(
        self,
        client: httpx.AsyncClient,
        lenient_client: httpx.AsyncClient,
        monkeypatch: pytest.MonkeyPatch,
        when: str,
    ) -> None:
        portfolio = await make_portfolio(client)
        project = await make_project(client, portfolio["id"])
        count = len(await events_of(client))
        original = recorder.record

        async def failing(*args: Any, **kwargs: Any) -> None:
            if when == "after the event":
                await original(*args, **kwargs)
            raise _Boom("the audit step failed")

        monkeypatch.setattr(recorder, "record", failing)
        created = await lenient_client.post(
            "/api/v1/projects",
            json={"code": "ROLLED-1", "portfolio_id": portfolio["id"], "name": "never"},
        )
        patched = await lenient_client.patch(
            f"/api/v1/projects/{project['id']}", json={"name": "never"}
        )
        deleted = await lenient_client.delete(f"/api/v1/projects/{project['id']}")
        mutation = await lenient_client.post(
            "/graphql",
            json={"query": 'mutation { createPortfolio(input: {name: "never"}) { __typename } }'},
        )
        monkeypatch.undo()

        for response in (created, patched, deleted):
            assert response.status_code == 500, response.text
            assert "Traceback" not in response.text and "_Boom" not in response.text
        assert mutation.json().get("errors"), mutation.text
        assert "audit step failed" not in mutation.text  # masked
        await assert_no_new_event(client, count, "a write whose audit step failed")
        assert (await client.get("/api/v1/projects/ROLLED-1")).status_code == 404
        now = (await client.get(f"/api/v1/projects/{project['id']}")).json()
        assert now["name"] == project["name"] and now["version"] == project["version"]
        names = [p["name"] for p in (await client.get("/api/v1/portfolios")).json()["data"]]
        assert "never" not in names


class TestObjectTypesAreResourceNames:
    async def test_each_resource_is_named_as_the_api_names_it(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        code = project["code"]
        for path, body in (
            ("costs", {"incurred_on": "2026-01-10", "amount": 5}),
            ("progress", {"as_of": "2026-01-10", "percent_complete": 5}),
            ("milestones", {"name": "m", "due_date": "2026-02-01"}),
        ):
            response = await client.post(f"/api/v1/projects/{code}/{path}", json=body)
            assert response.status_code == 201, response.text
        events = (await client.get("/api/v1/audit-events", params={"limit": 500})).json()["data"]
        assert {e["object_type"] for e in events} >= {
            "portfolio",
            "project",
            "cost",
            "progress",
            "milestone",
        }
        costs = await client.get("/api/v1/audit-events", params={"object_type": "cost"})
        assert [e["action"] for e in costs.json()["data"]] == ["create"]

    async def test_an_unknown_object_type_or_action_is_a_422(
        self, client: httpx.AsyncClient
    ) -> None:
        for name, value in (("object_type", "cost_entrie"), ("action", "explode")):
            response = await client.get("/api/v1/audit-events", params={name: value})
            assert_problem(response, 422, loc=["query", name, 0])
