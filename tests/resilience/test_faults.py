"""Database faults, against the real app (`pmo-api serve` in a subprocess, or the app in-process
with its real lifespan) on a PostgreSQL cluster of these tests' own (tests/pg_cluster.py):

- the cluster is stopped and started again while clients write: every answer is a 2xx or a 503
  with Retry-After (never a 500, never a stack trace); every 2xx is in the database afterwards;
  the service answers 2xx again within 2 s of the database being back;
- with every pooled connection busy, a request answers 503 after the pool timeout, not later;
- a statement that runs longer than the statement timeout is cancelled by the server, and the
  client gets a 503.

PostgreSQL only, whatever PMO_TEST_DATABASE_URL says: they need a server they may restart.
Without PostgreSQL's server binaries they are skipped, except in CI (CI set), where that fails.
Run `pytest tests/resilience/test_faults.py -s` to see the measured figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import func, select, text
from starlette.requests import Request

from pmo_api.app import create_app
from pmo_api.db.hotpath import HotQuery
from pmo_api.settings import Settings
from tests.pg_cluster import AppServer, TempCluster, find_bindir, prepare_database

BINDIR = find_bindir()
PROJECTS = "/api/v1/projects"
GRAPHQL_READ = {"query": "{ projects(first: 5) { nodes { code budget } } }"}
RECOVERY_LIMIT_SECONDS = 2.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[TempCluster]:
    if BINDIR is None:
        reason = "no PostgreSQL server binaries (initdb, pg_ctl); set PMO_PG_BINDIR"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the fault tests (.ci/run installs PostgreSQL)")
        pytest.skip(reason)
    made = TempCluster(BINDIR)
    try:
        made.init()
        made.start()
        yield made
    finally:
        made.remove()


@dataclass(frozen=True)
class Target:
    url: str
    key: str = field(repr=False)  # never in a test report


@pytest.fixture(scope="module")
def database(cluster: TempCluster) -> Target:
    """The cluster's `pmo` database, migrated, and an admin key for it."""
    return Target(*prepare_database(cluster, "pmo"))


@pytest.fixture
def serve(cluster: TempCluster, database: Target) -> Iterator[Callable[..., AppServer]]:
    """Start `pmo-api serve` over the cluster with the given settings; stopped after the test,
    which fails if the server logged an unhandled error (what a 500 logs)."""
    servers: list[AppServer] = []

    def start(**settings: object) -> AppServer:
        server = AppServer(database.url, cluster.root, f"app-{len(servers)}", **settings)
        servers.append(server)
        server.wait_ready()
        return server

    yield start
    for server in servers:
        server.stop()
    for server in servers:
        unhandled = [line for line in server.log().splitlines() if "unhandled error" in line]
        assert not unhandled, "\n".join(unhandled[:3])


# --- calls and what an outage may answer ------------------------------------------------------


@dataclass
class Call:
    kind: str
    method: str
    path: str
    body: Any
    key: str | None
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all
    headers: httpx.Headers
    text: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def json(self) -> Any:
        return json.loads(self.text)


async def call(
    http: httpx.AsyncClient,
    kind: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    key: str | None = None,
    params: dict[str, str] | None = None,
) -> Call:
    headers = {"Idempotency-Key": key} if key else {}
    started = time.monotonic()
    try:
        response = await http.request(method, path, json=body, headers=headers, params=params)
    except httpx.HTTPError as exc:
        ended = time.monotonic()
        return Call(kind, method, path, body, key, started, ended, 0, httpx.Headers(), repr(exc))
    ended = time.monotonic()
    return Call(
        kind, method, path, body, key, started, ended, response.status_code, response.headers,
        response.text,
    )  # fmt: skip


def assert_unavailable(answer: Call) -> None:
    """A 503 with Retry-After and a problem+json body, in REST and GraphQL alike (not a 200
    with an error masked as "Unexpected error."); no stack trace."""
    where = (answer.kind, answer.method, answer.path, answer.status, answer.text[:500])
    assert answer.status == 503, where
    assert answer.headers.get("retry-after", "").isdigit(), where
    assert answer.headers["content-type"] == "application/problem+json", where
    assert "Traceback" not in answer.text, where
    body = answer.json()
    assert body["status"] == 503, where
    assert body["type"].endswith("/service-unavailable"), where


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def setup_project(http: httpx.AsyncClient, code: str) -> tuple[str, str]:
    """A portfolio and a project in it: their ids."""
    portfolio = await http.post("/api/v1/portfolios", json={"name": f"P {code}", "currency": "USD"})
    assert portfolio.status_code == 201, portfolio.text
    body = {"code": code, "portfolio_id": portfolio.json()["id"], "name": code, "budget": 100}
    project = await http.post(PROJECTS, json=body)
    assert project.status_code == 201, project.text
    return portfolio.json()["id"], project.json()["id"]


async def database_back(cluster: TempCluster) -> float:
    """When the cluster first accepts a connection again (polled every 10 ms)."""
    while True:
        try:
            conn = await asyncpg.connect(cluster.dsn("pmo"), timeout=1)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            await asyncio.sleep(0.01)
            continue
        back = time.monotonic()
        await conn.close()
        return back


# --- a restart while clients write ------------------------------------------------------------

WRITERS = 6
DOWN_SECONDS = 1.0


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_restart_while_clients_write_loses_nothing_and_recovers_within_2_s(
    cluster: TempCluster, database: Target, serve: Callable[..., AppServer], mode: str
) -> None:
    """`fast`: PostgreSQL's normal restart (open transactions rolled back, clients
    disconnected); `immediate`: a crash (no checkpoint; the start replays the WAL)."""
    key = database.key
    tag = mode.upper()  # project codes are upper case
    server = serve(db_pool_size=10, db_max_overflow=10, db_pool_timeout_seconds=5)
    calls: list[Call] = []
    stop = asyncio.Event()

    async with httpx.AsyncClient(base_url=server.url, headers=auth(key), timeout=30) as http:
        portfolio_id, reader_project = await setup_project(http, f"R-{tag}")

        async def writer(w: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                body = {"code": f"{tag}-{w}-{n}", "portfolio_id": portfolio_id, "name": "W"}
                made = await call(
                    http, "create project", "POST", PROJECTS, body=body, key=f"{mode}-p-{w}-{n}"
                )
                calls.append(made)
                last = made
                if made.status == 201:
                    cost = {"incurred_on": "2026-01-15", "amount": 10.25}
                    cost["external_ref"] = f"{mode}-INV-{w}-{n}"
                    path = f"{PROJECTS}/{made.json()['id']}/costs"
                    last = await call(
                        http, "record cost", "POST", path, body=cost, key=f"{mode}-c-{w}-{n}"
                    )
                    calls.append(last)
                if not last.ok:
                    await asyncio.sleep(0.05)  # a client backs off a little after a 503

        async def reader(kind: str, method: str, path: str, **extra: Any) -> None:
            while not stop.is_set():
                calls.append(await call(http, kind, method, path, **extra))
                await asyncio.sleep(0.02)

        clients = [
            *(writer(w) for w in range(WRITERS)),
            reader("hot read", "GET", f"{PROJECTS}/{reader_project}"),
            reader("list", "GET", PROJECTS, params={"limit": "5"}),
            reader("graphql", "POST", "/graphql", body=GRAPHQL_READ),
            reader("csv", "GET", "/api/v1/costs", params={"format": "csv"}),
        ]
        running = asyncio.gather(*clients)

        await asyncio.sleep(1.0)
        stopping = time.monotonic()
        await asyncio.to_thread(cluster.stop, mode)
        down = time.monotonic()
        await asyncio.sleep(DOWN_SECONDS)
        starting = asyncio.create_task(asyncio.to_thread(cluster.start))
        back = await database_back(cluster)
        await starting
        await asyncio.sleep(3.0)
        stop.set()
        await running

        # Every answer was a 2xx or a well-formed 503; the connection never failed.
        statuses = Counter((c.kind, c.status) for c in calls)
        for answer in calls:
            assert answer.status != 0, (answer.kind, answer.path, answer.text)
            if not answer.ok:
                assert_unavailable(answer)
        assert all(c.ok for c in calls if c.ended < stopping), "503 before the database stopped"
        assert any(c.status == 503 for c in calls), "the outage was not observed"
        in_flight = Counter(c.status for c in calls if c.started < stopping < c.ended)

        # Recovery: for each kind of request, the first 2xx sent after the database is back,
        # and the last non-2xx of all, measured from the moment the database accepts again.
        late = [c for c in calls if not c.ok and c.started >= back]  # sent once it was back
        recovery: dict[str, tuple[float, float]] = {}
        for kind in sorted({c.kind for c in calls}):
            mine = [c for c in calls if c.kind == kind]
            first_ok = min(c.ended for c in mine if c.ok and c.started >= back) - back
            last_bad = max((c.ended for c in mine if not c.ok), default=back) - back
            recovery[kind] = (first_ok, last_bad)
            assert first_ok <= RECOVERY_LIMIT_SECONDS, (kind, first_ok)
            assert last_bad <= RECOVERY_LIMIT_SECONDS, (kind, last_bad)

        # Writes answered 503 are sent again with the same Idempotency-Key: each now succeeds,
        # and one whose first attempt had committed after all is replayed, not made twice.
        retried = replayed = 0
        projects: dict[str, str] = {}  # code -> id, from the 2xx answers
        costs: dict[str, str] = {}  # external_ref -> id
        for made in [c for c in calls if c.kind == "create project"]:
            final = made
            if not made.ok:
                final = await call(http, made.kind, "POST", PROJECTS, body=made.body, key=made.key)
                retried += 1
                replayed += final.headers.get("idempotent-replayed") == "true"
                assert final.status == 201, final.text
            projects[made.body["code"]] = final.json()["id"]
        cost_keys = {c.key for c in calls if c.kind == "record cost"}
        for made in [c for c in calls if c.kind == "record cost"]:
            final = made
            if not made.ok:
                final = await call(http, made.kind, "POST", made.path, body=made.body, key=made.key)
                retried += 1
                replayed += final.headers.get("idempotent-replayed") == "true"
                assert final.status == 201, final.text
            costs[made.body["external_ref"]] = final.json()["id"]
        for code, project_id in projects.items():  # the costs of projects made by a retry
            w_n = code.removeprefix(f"{tag}-")
            if f"{mode}-c-{w_n}" in cost_keys:
                continue
            ref = f"{mode}-INV-{w_n}"
            final = await call(
                http, "record cost", "POST", f"{PROJECTS}/{project_id}/costs",
                body={"incurred_on": "2026-01-15", "amount": 10.25, "external_ref": ref},
                key=f"{mode}-c-{w_n}",
            )  # fmt: skip
            assert final.status == 201, final.text
            costs[ref] = final.json()["id"]

    # Every 2xx is in the database, once; nothing else is.
    conn = await asyncpg.connect(cluster.dsn("pmo"))
    try:
        stored_projects = {
            r["code"]: str(r["id"])
            for r in await conn.fetch(
                "SELECT id, code FROM projects WHERE code LIKE $1", f"{tag}-%"
            )
        }
        stored_costs = {
            r["external_ref"]: str(r["id"])
            for r in await conn.fetch(
                "SELECT id, external_ref FROM cost_entries WHERE external_ref LIKE $1",
                f"{mode}-INV-%",
            )
        }
    finally:
        await conn.close()
    assert stored_projects == projects
    assert stored_costs == costs

    print(
        f"\nrestart ({mode}): stop took {down - stopping:.2f} s, the database accepted again "
        f"{back - down:.2f} s later; {len(calls)} requests: {dict(sorted(statuses.items()))}; "
        f"in flight at the stop: {dict(in_flight)}; {len(late)} requests sent after the "
        "database was back got a 503"
    )
    for kind, (first_ok, last_bad) in recovery.items():
        print(
            f"  {kind:15} first 2xx {first_ok:.3f} s after the database was back; "
            f"last 503 {max(last_bad, 0):.3f} s after"
        )
    print(
        f"  {retried} writes answered 503 were retried with their Idempotency-Key: all 2xx, "
        f"{replayed} of them replays (their first attempt had committed); "
        f"{len(projects)} projects and {len(costs)} costs, each stored once"
    )


# --- a full pool ------------------------------------------------------------------------------


async def waiting_on_locks(cluster: TempCluster, count: int) -> None:
    """Until `count` backends of the pmo database wait for a lock."""
    monitor = await asyncpg.connect(cluster.dsn("pmo"))
    try:
        for _ in range(500):
            waiting = await monitor.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = 'pmo' AND wait_event_type = 'Lock'"
            )
            if waiting >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"only {waiting} of {count} requests wait for the lock")
    finally:
        await monitor.close()


@contextlib.asynccontextmanager
async def lock_projects(cluster: TempCluster) -> AsyncIterator[None]:
    """Hold an ACCESS EXCLUSIVE lock on `projects`: every request reading it waits."""
    locker = await asyncpg.connect(cluster.dsn("pmo"))
    try:
        async with locker.transaction():
            await locker.execute("LOCK TABLE projects IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        await locker.close()


async def test_a_full_pool_answers_503_after_the_pool_timeout_not_later(
    cluster: TempCluster, database: Target, serve: Callable[..., AppServer]
) -> None:
    """Two requests hold SQLAlchemy's pool (size 2, no overflow) and two the hot read path's
    asyncpg pool (as large), each waiting for a table lock; then every kind of request asks for
    a connection and must get a 503 after PMO_DB_POOL_TIMEOUT_SECONDS."""
    key = database.key
    pool_timeout = 1.0
    server = serve(
        db_pool_size=2, db_max_overflow=0, db_pool_timeout_seconds=pool_timeout,
        statement_timeout_ms=60_000, auth_cache_seconds=60,
    )  # fmt: skip
    async with httpx.AsyncClient(base_url=server.url, headers=auth(key), timeout=30) as http:
        portfolio_id, project_id = await setup_project(http, "POOL-1")
        hot = f"{PROJECTS}/{project_id}"
        assert (await http.get(hot)).status_code == 200  # the key is cached from here on

        async with lock_projects(cluster):
            holders = [
                *(asyncio.create_task(call(http, "list", "GET", PROJECTS)) for _ in range(2)),
                *(asyncio.create_task(call(http, "hot read", "GET", hot)) for _ in range(2)),
            ]
            await waiting_on_locks(cluster, 4)
            body = {"code": "POOL-2", "portfolio_id": portfolio_id, "name": "P"}
            probes = await asyncio.gather(
                call(http, "list", "GET", PROJECTS),
                call(http, "hot read", "GET", hot),
                call(http, "create project", "POST", PROJECTS, body=body, key="pool-2"),
                call(http, "graphql", "POST", "/graphql", body=GRAPHQL_READ),
                call(http, "csv", "GET", "/api/v1/costs", params={"format": "csv"}),
            )
            assert not any(h.done() for h in holders), "the pool was not held"
        held = await asyncio.gather(*holders)
        after = await call(http, "list", "GET", PROJECTS)

    for probe in probes:
        assert_unavailable(probe)
        assert pool_timeout * 0.9 <= probe.seconds <= pool_timeout + 1.0, (probe.kind, probe)
    assert [h.status for h in held] == [200] * 4
    assert after.status == 200 and after.seconds < 1.0
    print(
        f"\nfull pool (timeout {pool_timeout} s): "
        + ", ".join(f"{p.kind} 503 in {p.seconds:.3f} s" for p in probes)
    )


# --- runaway statements -----------------------------------------------------------------------


async def test_a_statement_past_the_statement_timeout_is_cancelled_by_the_server_503(
    cluster: TempCluster, database: Target, serve: Callable[..., AppServer]
) -> None:
    """Requests whose statements wait on a lock held elsewhere: the server cancels each at
    PMO_STATEMENT_TIMEOUT_MS (PMO_EXPORT_TIMEOUT_MS for a CSV export), well before the pool
    timeout, and the client gets a 503."""
    key = database.key
    timeout_ms = 500
    server = serve(
        db_pool_size=10, db_max_overflow=0, db_pool_timeout_seconds=10,
        statement_timeout_ms=timeout_ms, export_timeout_ms=timeout_ms, auth_cache_seconds=60,
    )  # fmt: skip
    log_before = len(cluster.log_text())
    async with httpx.AsyncClient(base_url=server.url, headers=auth(key), timeout=30) as http:
        _portfolio, project_id = await setup_project(http, "SLOW-1")
        hot = f"{PROJECTS}/{project_id}"
        assert (await http.get(hot)).status_code == 200
        mutation = {
            "query": 'mutation($p: String!) { updateProject(project: $p, patch: {name: "M"}) '
            "{ __typename } }",
            "variables": {"p": project_id},
        }
        cost = {"incurred_on": "2026-01-15", "amount": 1, "external_ref": "SLOW-INV"}

        async with lock_projects(cluster):
            probes = await asyncio.gather(
                call(http, "list", "GET", PROJECTS),
                call(http, "hot read", "GET", hot),
                call(http, "update project", "PATCH", hot, body={"name": "N"}),
                call(http, "record cost", "POST", f"{hot}/costs", body=cost),
                call(http, "graphql", "POST", "/graphql", body=GRAPHQL_READ),
                call(http, "graphql mutation", "POST", "/graphql", body=mutation),
                call(http, "csv", "GET", "/api/v1/costs", params={"format": "csv"}),
            )
            # Cancelled by the server while the lock is still held: nothing of ours waits on.
            monitor = await asyncpg.connect(cluster.dsn("pmo"))
            try:
                still = await monitor.fetchval(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = 'pmo' AND wait_event_type = 'Lock'"
                )
            finally:
                await monitor.close()
        after = await call(http, "hot read", "GET", hot)

    for probe in probes:
        assert_unavailable(probe)
        assert timeout_ms / 1000 * 0.9 <= probe.seconds <= timeout_ms / 1000 + 1.5, probe
    assert still == 0
    server_log = cluster.log_text()[log_before:]
    assert server_log.count("canceling statement due to statement timeout") >= len(probes)
    assert after.status == 200
    print(
        f"\nstatement timeout {timeout_ms} ms: "
        + ", ".join(f"{p.kind} 503 in {p.seconds:.3f} s" for p in probes)
    )


RUNAWAY = "SELECT pg_sleep(30)"


def runaway_routes(app: FastAPI) -> None:
    """Three routes that each run a 30 s statement, one per kind of connection the app has."""
    hot: HotQuery[object] = HotQuery(select(func.pg_sleep(30)), object)

    async def read(request: Request) -> dict[str, str]:
        async with request.app.state.db.read() as conn:
            await conn.execute(text(RUNAWAY))
        return {}

    async def write(request: Request) -> dict[str, str]:
        async with request.app.state.db.write() as conn:
            await conn.execute(text(RUNAWAY))
        return {}

    async def hot_read(request: Request) -> dict[str, str]:
        await hot.fetch(request.app.state.db)
        return {}

    app.add_api_route("/runaway/read", read)
    app.add_api_route("/runaway/write", write)
    app.add_api_route("/runaway/hot", hot_read)


async def test_a_runaway_query_on_any_connection_is_cancelled_at_the_statement_timeout(
    cluster: TempCluster, database: Target
) -> None:
    """The app in-process with its real lifespan and middleware, plus three routes that each
    run `pg_sleep(30)`: on a read connection, in a write transaction, on the hot path's asyncpg
    pool. Each is cancelled at the timeout and answered 503."""
    url, key = database.url, database.key
    timeout_ms = 300
    settings = Settings(database_url=url, statement_timeout_ms=timeout_ms, access_log=False)
    app = create_app(settings)
    runaway_routes(app)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://pmo", headers=auth(key)
        ) as http:
            probes = [
                await call(http, kind, "GET", f"/runaway/{kind}")
                for kind in ("read", "write", "hot")
            ]
    for probe in probes:
        assert_unavailable(probe)
        assert timeout_ms / 1000 * 0.9 <= probe.seconds <= timeout_ms / 1000 + 1.0, probe
    print(
        f"\nrunaway pg_sleep(30), statement timeout {timeout_ms} ms: "
        + ", ".join(f"{p.kind} 503 in {p.seconds:.3f} s" for p in probes)
    )


# --- a database that accepts connections and never answers -----------------------------------


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word (a server
    that hangs, or a network that drops its answers): its port."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_database_that_never_answers_gets_a_503_within_the_pool_timeout() -> None:
    """Opening a connection counts against PMO_DB_POOL_TIMEOUT_SECONDS too: a request does not
    wait for the driver's own connect timeout (60 s)."""
    pool_timeout = 1.0
    async with silent_server() as port:
        settings = Settings(
            database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/pmo",
            db_pool_timeout_seconds=pool_timeout,
            access_log=False,
        )
        app = create_app(settings)  # no lifespan: its start would wait for the database too
        transport = httpx.ASGITransport(app=app)
        key = "pmo_" + "0" * 32 + "_secret"  # checking any key needs the database
        async with httpx.AsyncClient(
            transport=transport, base_url="http://pmo", headers=auth(key)
        ) as http:
            answer = await call(http, "list", "GET", PROJECTS)
        await app.state.db.dispose()
    assert_unavailable(answer)
    assert pool_timeout * 0.9 <= answer.seconds <= pool_timeout + 1.0, answer
    print(f"\na database that never answers: 503 in {answer.seconds:.3f} s")
