"""Resource-management scenarios (issue 14), on the database of bench/seed_resources.py:

- `resource-capacity`: GET /api/v1/capacity by role, 52 weeks, against the plain SELECTs that
  read the rows the view covers (CAPACITY_ROWS), run through asyncpg in the same run,
  alternating with the requests (ABBA); judged on p50(endpoint) / p50(plain) <= 3;
- `over-allocations`: GET /api/v1/over-allocations over the same year (day grain, threshold 1),
  against the rows it covers (OVER_ROWS), judged the same way;
- `availability-csv`: availability by resource and week for the year as CSV (GET
  /api/v1/capacity?group_by=resource&grain=week&format=csv: capacity, booked hours and the gap
  of each resource and week), on a fresh server process: the server's RSS growth <= 100 MB.

Figures are evm_bench.figure dicts, printed and recorded by run.py. See bench/README.md.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

import seed
import seed_resources
from evm_bench import Client, RssSampler, Settings, figure, stats_ms, stream_download
from servers import Server

NAMES = ["resource-capacity", "over-allocations", "availability-csv"]
RATIO_LIMIT = 3.0
MEMORY_LIMIT_MB = 100.0
YEAR = f"from={seed_resources.YEAR_FROM}&to={seed_resources.YEAR_TO}"
WEEKS = 52

# The rows a view covers, read the plain way: what a developer would fetch to compute the view
# in the client. Allocations that overlap the year and book (not rejected, live project), with
# what a day's hours need; every resource's working week, factor and employment; the time off
# overlapping the year; the year's holidays. The capacity view also reads role-only allocations
# and the roles' names.
_ALLOCATIONS = """
SELECT a.resource_id, a.role_id, a.start_date, a.end_date, a.mode, a.amount, a.status
FROM allocations a JOIN projects p ON p.id = a.project_id
WHERE p.archived_at IS NULL AND a.status <> 'rejected'
  AND a.start_date <= $2::date AND a.end_date >= $1::date {named}
"""
_RESOURCES = """
SELECT id, name, role_id, hours_mon, hours_tue, hours_wed, hours_thu, hours_fri, hours_sat,
       hours_sun, availability_factor, employment_start, employment_end
FROM resources
"""
_TIME_OFF = """
SELECT resource_id, start_date, end_date, hours_per_day FROM time_off
WHERE start_date <= $2::date AND end_date >= $1::date
"""
_HOLIDAYS = "SELECT day FROM holidays WHERE day BETWEEN $1::date AND $2::date"
CAPACITY_ROWS = (
    _ALLOCATIONS.format(named=""),
    _RESOURCES,
    _TIME_OFF,
    _HOLIDAYS,
    "SELECT id, name FROM resource_roles",
)
OVER_ROWS = (
    _ALLOCATIONS.format(named="AND a.resource_id IS NOT NULL"),
    _RESOURCES,
    _TIME_OFF,
    _HOLIDAYS,
)
CAPACITY_CSV_COLUMNS = (
    "id",
    "name",
    "period_start",
    "period_end",
    "capacity",
    "named",
    "unfilled",
    "demand",
    "gap",
)


def _check_capacity(body: bytes) -> list[str]:
    """52 weeks per role, each row's gap = capacity - demand."""
    data = json.loads(body)["data"]
    problems = []
    weeks: dict[Any, int] = {}
    for row in data:
        weeks[row["role_id"]] = weeks.get(row["role_id"], 0) + 1
        demand = row["demand"]
        if abs(row["gap"] - (row["capacity"] - demand["total"])) > 0.011:
            problems.append(f"gap of {row['name']} {row['period_start']} is not capacity - demand")
            break
    if not data or set(weeks.values()) != {WEEKS}:
        problems.append(f"expected {WEEKS} weeks per role, got {sorted(set(weeks.values()))}")
    return problems


def _check_over(body: bytes) -> list[str]:
    """Every period listed is booked above its capacity."""
    data = json.loads(body)["data"]
    wrong = [r for r in data if r["allocated"] < r["capacity"] - 0.005]
    if not data:
        return ["no over-allocated period: the data set should have some"]
    return [f"{len(wrong)} periods booked below capacity, e.g. {wrong[0]}"] if wrong else []


async def against_plain(
    client: Client,
    name: str,
    title: str,
    path: str,
    statements: Sequence[str],
    check: Any,
    settings: Settings,
) -> dict[str, Any]:
    """The endpoint and the plain SELECTs alternately (ABBA), one at a time: p50 / p50."""
    conn = await asyncpg.connect(seed.dsn(seed_resources.database()))
    first, last = seed_resources.YEAR_FROM, seed_resources.YEAR_TO
    try:
        await conn.execute("SET statement_timeout = 0")

        async def plain() -> tuple[int, float]:
            started = time.perf_counter()
            rows = 0
            for sql in statements:
                args = (first, last) if "$1" in sql else ()
                rows += len(await conn.fetch(sql, *args))
            return rows, time.perf_counter() - started

        app_times: list[float] = []
        sql_times: list[float] = []
        failures, problems, plain_rows, answer_rows = 0, [], 0, 0
        first_ms = None
        for i in range(settings.resource_warmups + settings.resource_samples):
            measured = i >= settings.resource_warmups
            if i % 2:
                plain_rows, seconds = await plain()
                sql_times += [seconds] if measured else []
            status, body, seconds = client.get(path)
            if not 200 <= status < 300:
                failures += 1
                problems.append(f"HTTP {status}: {body[:200]!r}")
            elif measured:
                app_times.append(seconds)
            if i == 0:
                first_ms = round(seconds * 1000, 1)
                if 200 <= status < 300:
                    problems += check(body)
                    answer_rows = len(json.loads(body)["data"])
            if i % 2 == 0:
                plain_rows, seconds = await plain()
                sql_times += [seconds] if measured else []
    finally:
        await conn.close()
    app = stats_ms(app_times) if app_times else {}
    sql = stats_ms(sql_times)
    ratio = app["p50_ms"] / sql["p50_ms"] if app else None
    print(
        f"  {path}: endpoint p50 {app.get('p50_ms', float('nan')):.1f} ms "
        f"(p95 {app.get('p95_ms', float('nan')):.1f}; first {first_ms} ms, {answer_rows:,} rows),"
        f" plain SELECTs p50 {sql['p50_ms']:.1f} ms (p95 {sql['p95_ms']:.1f}, {plain_rows:,} rows)",
        flush=True,
    )
    return figure(
        name,
        title,
        None if ratio is None else round(ratio, 2),
        RATIO_LIMIT,
        "<=",
        "x",
        errors=failures,
        problems=problems[:3],
        path=path,
        first_request_ms=first_ms,
        endpoint=app,
        plain_sql=sql,
        plain_rows=plain_rows,
        answer_rows=answer_rows,
    )


class _CsvCount:
    """Counts the rows of a CSV download as it arrives (whole lines; no quoted line breaks in
    this one) and checks the header and the field count; keeps no rows."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.rows = 0
        self.bad = 0
        self._tail = b""

    def feed(self, data: bytes) -> None:
        data = self._tail + data
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        for row in csv.reader(io.StringIO(data[:cut].decode())):
            if self.header is None:
                self.header = row
            else:
                self.rows += 1
                self.bad += len(row) != len(CAPACITY_CSV_COLUMNS)


async def availability_csv(server: Server, settings: Settings) -> dict[str, Any]:
    """A year of availability by resource and week as CSV: the server's RSS growth (judged)."""
    assert server.process is not None
    conn = await asyncpg.connect(seed.dsn(seed_resources.database()))
    try:
        resources = int(await conn.fetchval("SELECT count(*) FROM resources"))
    finally:
        await conn.close()
    expected = (resources + 1) * WEEKS  # and the unfilled demand, under no resource
    # Warm-up: one week, the same code.
    warm = stream_download(
        server,
        "/api/v1/capacity?format=csv&group_by=resource&"
        f"from={seed_resources.YEAR_TO}&to={seed_resources.YEAR_TO}",
    )
    print(f"  warm-up export (one day): HTTP {warm.status}, {warm.seconds:.1f} s", flush=True)
    path = f"/api/v1/capacity?format=csv&group_by=resource&grain=week&{YEAR}"
    counter = _CsvCount()
    sampler = RssSampler(server.process.pid, settings.rss_interval_s)
    before_kb = sampler.rss_kb()
    sampler.start()
    try:
        got = stream_download(server, path, sink=counter.feed)
    finally:
        samples = sampler.stop()
    after_kb = sampler.rss_kb()
    peak_kb = max([before_kb, after_kb, *samples])
    failures = 0 if 200 <= got.status < 300 else 1
    problems = [f"HTTP {got.status}"] if failures else []
    problems += [got.error] if got.error else []
    if not failures:
        if counter.header != list(CAPACITY_CSV_COLUMNS):
            problems.append(f"CSV header {counter.header}, expected {list(CAPACITY_CSV_COLUMNS)}")
        if counter.rows != expected:
            problems.append(f"{counter.rows:,} rows, expected {expected:,}")
        if counter.bad:
            problems.append(f"{counter.bad} rows without {len(CAPACITY_CSV_COLUMNS)} fields")
    rps = counter.rows / got.seconds if got.seconds else 0.0
    print(
        f"  GET {path}: HTTP {got.status}, {counter.rows:,} rows, {got.body_bytes / 1e6:.1f} MB "
        f"in {got.seconds:.2f} s; server RSS {before_kb / 1024:.0f} MB before, peak "
        f"{peak_kb / 1024:.0f} MB ({len(samples)} samples), {after_kb / 1024:.0f} MB after",
        flush=True,
    )
    return figure(
        "availability-csv",
        "GET /capacity?group_by=resource&grain=week CSV (1 year) RSS growth",
        round((peak_kb - before_kb) / 1024, 1),
        MEMORY_LIMIT_MB,
        "<=",
        "MB",
        errors=failures,
        problems=problems,
        rows=counter.rows,
        bytes=got.body_bytes,
        seconds=round(got.seconds, 3),
        rows_per_s=round(rps),
        rss_kb={"before": before_kb, "peak": peak_kb, "after": after_kb},
        rss_samples=len(samples),
    )


def _server(name: str, ours: Server, key: str, results: Path) -> Server:
    env = {**ours.env, "PMO_DATABASE_URL": seed.sqlalchemy_url(seed_resources.database())}
    server = Server(
        name, ours.target, env=env, log_dir=results, headers=(f"Authorization: Bearer {key}",)
    )
    server.start()
    server.wait_ready("/api/v1/projects?limit=1")
    return server


async def run(
    names: Sequence[str], ours: Server, settings: Settings, results: Path
) -> tuple[list[dict[str, Any]], list[Server]]:
    """The selected scenarios on servers like `ours` (not started) but on the resources
    database; returns the figures and the servers started (for run.py to stop)."""
    key = seed.create_admin_key(database=seed_resources.database())
    started: list[Server] = []
    figures: list[dict[str, Any]] = []
    if "resource-capacity" in names or "over-allocations" in names:
        started.append(server := _server("ours-resources", ours, key, results))
        client = Client(server)
        try:
            if "resource-capacity" in names:
                print("\nresource-capacity: capacity by role, 52 weeks", flush=True)
                figures.append(
                    await against_plain(
                        client,
                        "resource-capacity",
                        "GET /capacity?group_by=role&grain=week (52 weeks) / plain SELECT p50",
                        f"/api/v1/capacity?{YEAR}&grain=week&group_by=role",
                        CAPACITY_ROWS,
                        _check_capacity,
                        settings,
                    )
                )
            if "over-allocations" in names:
                print(
                    "\nover-allocations: one year, by day, the first page (100 resources)",
                    flush=True,
                )
                figures.append(
                    await against_plain(
                        client,
                        "over-allocations",
                        "GET /over-allocations (1 year, first page) / plain SELECT p50",
                        f"/api/v1/over-allocations?{YEAR}",
                        OVER_ROWS,
                        _check_over,
                        settings,
                    )
                )
        finally:
            client.close()
            server.stop()
    if "availability-csv" in names:
        print("\navailability-csv: by resource and week, one year; a fresh process", flush=True)
        started.append(server := _server("ours-resources-csv", ours, key, results))
        try:
            figures.append(await availability_csv(server, settings))
        finally:
            server.stop()
    return figures, started
