"""Earned-value scenarios (issue 4): latency of the EVM endpoints, each against a limit, and the
cost-entry CSV export against PostgreSQL's own COPY.

Unlike the wrk scenarios these are measured one request at a time (one client, keep-alive),
because the question is how long one answer takes, not how many fit in a second:

- `portfolio-evm`: the portfolio rollup over all 10,000 projects, against the plain SQL
  aggregate over the raw rows (PLAIN_EVM_SQL) run through asyncpg in the same run, alternating
  with the endpoint; judged on p50(endpoint) / p50(plain aggregate);
- `project-evm`, `evm-series`: one project as of a date, and a 24-month series, random projects;
  judged on p50 in ms;
- `costs-csv`: all 1,000,000 cost entries as CSV, read from a raw socket that counts bytes and
  rows and keeps nothing; judged on the server's memory growth (VmRSS sampled every 20 ms) and
  on rows/s against `COPY (SELECT ...) TO STDOUT WITH CSV` of the same rows and columns.

Every function returns "figures": dicts with the measured value, its limit and the verdict,
which run.py prints and writes to results/latest.json. See bench/README.md.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import asyncpg

import seed
from servers import HOST, Server

# --- the yardsticks -----------------------------------------------------------------------------

# The plain statement a developer would write for a portfolio's earned value as of $2: per
# project of portfolio $1, PV from the current baseline's lines (months before $2's month whole,
# $2's month prorated by day of month / days in month), EV from the milestone weights completed
# by $2 (or, for percent-complete projects, the latest progress record on or before $2), AC the
# costs incurred by $2. Each input is a CTE grouped by project_id over the raw rows, joined to the
# portfolio's projects. (The same CTEs each joined to the portfolio's projects first measured
# 355 ms instead of 280 ms here, and as one CTE of projects referenced from each, 850 ms: we keep
# the fastest spelling, so the limit is not met against a straw man.)
PLAIN_EVM_SQL = """
WITH pv AS (
    SELECT bl.project_id,
           SUM(CASE WHEN bl.period < date_trunc('month', $2::date)
                    THEN bl.amount
                    ELSE bl.amount * extract(day FROM $2::date)
                         / extract(day FROM date_trunc('month', $2::date)
                                            + INTERVAL '1 month - 1 day')
               END) AS pv
    FROM budget_lines bl
    JOIN project_finance pf ON pf.project_id = bl.project_id AND pf.baseline = bl.baseline
    WHERE bl.period <= $2::date
    GROUP BY bl.project_id
),
weights AS (
    SELECT project_id,
           SUM(weight_milli) FILTER (WHERE completed_on <= $2::date) AS done,
           SUM(weight_milli) AS total
    FROM milestones
    GROUP BY project_id
),
progress AS (
    SELECT DISTINCT ON (project_id) project_id, percent_hundredths
    FROM progress_records
    WHERE as_of <= $2::date
    ORDER BY project_id, as_of DESC
),
ac AS (
    SELECT project_id, SUM(amount) AS ac
    FROM cost_entries
    WHERE incurred_on <= $2::date
    GROUP BY project_id
)
SELECT p.id, p.code, p.name, p.status, p.budget AS bac,
       COALESCE(pv.pv, 0) AS pv,
       CASE WHEN p.ev_method = 'percent_complete'
                THEN p.budget * COALESCE(progress.percent_hundredths, 0) / 10000.0
            WHEN weights.total > 0
                THEN p.budget * COALESCE(weights.done, 0) / weights.total::numeric
            ELSE 0
       END AS ev,
       COALESCE(ac.ac, 0) AS ac
FROM projects p
LEFT JOIN pv ON pv.project_id = p.id
LEFT JOIN weights ON weights.project_id = p.id
LEFT JOIN progress ON progress.project_id = p.id
LEFT JOIN ac ON ac.project_id = p.id
WHERE p.portfolio_id = $1 AND p.archived_at IS NULL
ORDER BY p.code
"""

# The rows and columns of `GET /api/v1/costs?format=csv`, joined and ordered as the app does
# (budget/repository.py costs_of: live projects, their portfolio's currency; created_at, id).
COSTS_CSV_COLUMNS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "incurred_on",
    "amount",
    "currency",
    "category",
    "description",
    "external_ref",
    "created_at",
    "updated_at",
    "version",
)
COSTS_COPY_SQL = """
SELECT c.id, c.project_id, p.code AS project_code, p.portfolio_id, c.incurred_on, c.amount,
       f.currency, c.category, c.description, c.external_ref, c.created_at, c.updated_at,
       c.version
FROM cost_entries c
JOIN projects p ON p.id = c.project_id
JOIN portfolios f ON f.id = p.portfolio_id
WHERE p.archived_at IS NULL
ORDER BY c.created_at, c.id
"""

AS_OF = date(2026, 11, 22)
HISTORICAL_AS_OF = date(2026, 6, 15)
SERIES_QUERY = "from=2025-01-01&to=2026-12-31&interval=month"
SERIES_POINTS = 24


@dataclass(frozen=True)
class Settings:
    samples: int = 40  # measured requests per latency scenario
    warmups: int = 5
    portfolio_samples: int = 30  # per as_of, each alternating with one plain aggregate
    portfolio_warmups: int = 3
    rss_interval_s: float = 0.02
    resource_samples: int = 7  # issue 14's views, each alternating with its plain SELECTs
    resource_warmups: int = 1


# --- figures ------------------------------------------------------------------------------------


def figure(
    name: str,
    title: str,
    measured: float | None,
    limit: float,
    op: str,
    unit: str,
    *,
    errors: int = 0,
    problems: Sequence[str] = (),
    judged: bool = True,
    **detail: Any,
) -> dict[str, Any]:
    """One figure: `measured op limit` must hold, with no failed request or check. A figure
    that is not `judged` is a diagnostic: reported with its verdict, but the run does not fail
    on it."""
    ok = measured is not None and (measured <= limit if op == "<=" else measured >= limit)
    return {
        "name": name,
        "title": title,
        "measured": measured,
        "limit": limit,
        "op": op,
        "unit": unit,
        "errors": errors,
        "problems": list(problems),
        "passed": ok and not errors and not problems,
        "judged": judged,
        **detail,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def stats_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
        "n": len(ms),
    }


# --- HTTP ---------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection to a server, requests one at a time."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.headers = {k.strip(): v.strip() for k, v in (h.split(":", 1) for h in server.headers)}
        self.conn = http.client.HTTPConnection(HOST, server.port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes, float]:
        """Status, body and the seconds from sending the request to the body's last byte."""
        started = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=self.headers)
            answer = self.conn.getresponse()
            body = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()  # a broken connection: the bench stops (exit status 2)
            raise RuntimeError(f"GET {path}: {exc!r}") from exc
        return answer.status, body, time.perf_counter() - started

    def close(self) -> None:
        self.conn.close()


def _sampled(
    client: Client,
    paths: Callable[[int], str],
    check: Callable[[bytes], str | None],
    warmups: int,
    samples: int,
) -> tuple[list[float], int, list[str]]:
    """Latencies of `samples` requests (after `warmups`), failures, and check problems."""
    times: list[float] = []
    failures = 0
    problems: list[str] = []
    for i in range(warmups + samples):
        status, body, seconds = client.get(paths(i))
        if not 200 <= status < 300:
            failures += 1
            if len(problems) < 3:
                problems.append(f"HTTP {status} for {paths(i)}: {body[:200]!r}")
            continue
        if i < warmups:
            continue
        times.append(seconds)
        if len(problems) < 3 and (problem := check(body)):
            problems.append(problem)
    return times, failures, problems


# --- project-evm, evm-series --------------------------------------------------------------------


def _check_project_evm(body: bytes) -> str | None:
    data = json.loads(body)
    missing = [k for k in ("bac", "pv", "ev", "ac", "cpi", "spi", "es_days") if k not in data]
    return f"project evm lacks {missing}" if missing else None


def _check_series(body: bytes) -> str | None:
    data = json.loads(body).get("data")
    if not isinstance(data, list) or len(data) != SERIES_POINTS:
        count = len(data) if isinstance(data, list) else None
        return f"series has {count} points, expected {SERIES_POINTS}"
    return None


def project_latency(
    client: Client,
    ids: Sequence[str],
    settings: Settings,
    *,
    name: str,
    title: str,
    suffix: str,
    check: Callable[[bytes], str | None],
    limit_ms: float,
) -> dict[str, Any]:
    rng = random.Random(f"{seed.SEED}-{name}")  # the same projects on every run
    picks = [rng.choice(ids) for _ in range(settings.warmups + settings.samples)]
    times, failures, problems = _sampled(
        client,
        lambda i: f"/api/v1/projects/{picks[i]}/{suffix}",
        check,
        settings.warmups,
        settings.samples,
    )
    stats = stats_ms(times) if times else {}
    print(
        f"  {name}: p50 {stats.get('p50_ms', float('nan')):.1f} ms, "
        f"p95 {stats.get('p95_ms', float('nan')):.1f} ms over {len(times)} requests"
        + (f", {failures} failed" if failures else ""),
        flush=True,
    )
    return figure(
        name,
        title,
        stats.get("p50_ms"),
        limit_ms,
        "<=",
        "ms",
        errors=failures,
        problems=problems,
        latency=stats,
    )


def project_evm(client: Client, ids: Sequence[str], settings: Settings) -> dict[str, Any]:
    return project_latency(
        client,
        ids,
        settings,
        name="project-evm",
        title=f"GET /projects/{{id}}/evm?as_of={AS_OF} p50",
        suffix=f"evm?as_of={AS_OF}",
        check=_check_project_evm,
        limit_ms=10.0,
    )


def evm_series(client: Client, ids: Sequence[str], settings: Settings) -> dict[str, Any]:
    return project_latency(
        client,
        ids,
        settings,
        name="evm-series",
        title="GET /projects/{id}/evm/series (24 months) p50",
        suffix=f"evm/series?{SERIES_QUERY}",
        check=_check_series,
        limit_ms=25.0,
    )


# --- portfolio-evm ------------------------------------------------------------------------------


def _cents(value: Any) -> int:
    """An amount in cents from the plain aggregate (numeric), rounded half to even as the app."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def compare_with_plain(body: bytes, plain: Sequence[asyncpg.Record]) -> list[str]:
    """The endpoint's per-project BAC, PV, EV and AC against the plain aggregate's (both in
    cents), and its rollup against the sums of its own rows. An answer off by more than a cent
    (numeric division in SQL may round the last digit differently) is a problem."""
    data = json.loads(body)
    rows = data.get("projects")
    if not isinstance(rows, list):
        return ["no `projects` list in the answer"]
    problems = []
    if len(rows) != len(plain):
        problems.append(f"{len(rows)} project rows, the plain aggregate has {len(plain)}")
    expected = {str(r["id"]): r for r in plain}
    differ = 0
    examples: list[str] = []
    for row in rows:
        want = expected.get(str(row.get("project_id")))
        if want is None:
            continue
        for key in ("bac", "pv", "ev", "ac"):
            got = round(row[key] * 100)
            if abs(got - _cents(want[key])) > 1:
                differ += 1
                if len(examples) < 3:
                    examples.append(f"{row['code']} {key} {got} vs {_cents(want[key])} cents")
    if differ:
        problems.append(
            f"{differ} figures differ from the plain aggregate by more than a cent "
            f"(e.g. {'; '.join(examples)})"
        )
    rollup = data.get("rollup", {})
    for key in ("bac", "pv", "ev", "ac"):
        total = sum(round(r[key] * 100) for r in rows)
        if rollup.get(key) is None or round(rollup[key] * 100) != total:
            problems.append(f"rollup {key} {rollup.get(key)} is not the sum of the rows")
    return problems


def distinct_dates(count: int) -> list[date]:
    """`count` different as_of dates (2025-02-10, then every 19 days), none of the judged two."""
    first = date(2025, 2, 10)
    dates = [first + timedelta(days=19 * i) for i in range(count + 2)]
    return [d for d in dates if d not in (AS_OF, HISTORICAL_AS_OF)][:count]


async def portfolio_evm(
    client: Client,
    portfolio_id: str,
    as_of: date | None,
    settings: Settings,
    *,
    historical: bool = False,
) -> dict[str, Any]:
    """The endpoint and the plain aggregate, alternately (ABBA), one request at a time, at
    `as_of`; or, when it is None, at a different date for every request (a diagnostic: whatever
    the app keeps from one answer to the next cannot serve the next one)."""
    total = settings.portfolio_warmups + settings.portfolio_samples
    dates = [as_of] * total if as_of is not None else distinct_dates(total)
    conn = await asyncpg.connect(seed.dsn())
    try:
        await conn.execute("SET statement_timeout = 0")
        pid = uuid.UUID(portfolio_id)

        async def plain(t: date) -> tuple[list[asyncpg.Record], float]:
            started = time.perf_counter()
            rows = await conn.fetch(PLAIN_EVM_SQL, pid, t)
            return rows, time.perf_counter() - started

        app_times: list[float] = []
        sql_times: list[float] = []
        first_ms: float | None = None
        failures = 0
        problems: list[str] = []
        plain_rows: list[asyncpg.Record] = []
        for i, t in enumerate(dates):
            path = f"/api/v1/portfolios/{portfolio_id}/evm?as_of={t}"
            measured = i >= settings.portfolio_warmups
            app_first = i % 2 == 0
            if not app_first:
                plain_rows, seconds = await plain(t)
                if measured:
                    sql_times.append(seconds)
            status, body, seconds = client.get(path)
            if not 200 <= status < 300:
                failures += 1
                if len(problems) < 3:
                    problems.append(f"HTTP {status} for {path}: {body[:200]!r}")
            elif measured:
                app_times.append(seconds)
            if i == 0:
                first_ms = round(seconds * 1000, 1)
            if app_first:
                plain_rows, seconds = await plain(t)
                if measured:
                    sql_times.append(seconds)
            if i == 0 and 200 <= status < 300:
                problems += compare_with_plain(body, plain_rows)
    finally:
        await conn.close()
    app = stats_ms(app_times) if app_times else {}
    sql = stats_ms(sql_times)
    ratio = app["p50_ms"] / sql["p50_ms"] if app else None
    label = f"as_of {as_of}" if as_of is not None else "a new as_of per request"
    print(
        f"  {label}: endpoint p50 {app.get('p50_ms', float('nan')):.1f} ms "
        f"(p95 {app.get('p95_ms', float('nan')):.1f}; first request {first_ms} ms), "
        f"plain aggregate p50 {sql['p50_ms']:.1f} ms (p95 {sql['p95_ms']:.1f}), "
        f"{len(plain_rows)} rows" + (f"; {failures} failed" if failures else ""),
        flush=True,
    )
    if as_of is None:
        title = "GET /portfolios/{id}/evm, new as_of each / plain SQL p50"
    else:
        title = f"GET /portfolios/{{id}}/evm?as_of={as_of} / plain SQL p50"
    return figure(
        "portfolio-evm",
        title,
        None if ratio is None else round(ratio, 3),
        0.5,
        "<=",
        "x",
        errors=failures,
        problems=problems,
        judged=as_of is not None,
        as_of=str(as_of) if as_of is not None else [str(d) for d in dates],
        historical=historical,
        first_request_ms=first_ms,
        endpoint=app,
        plain_sql=sql,
        projects=len(plain_rows),
    )


# --- costs-csv ----------------------------------------------------------------------------------


class RssSampler(threading.Thread):
    """VmRSS of a process every `interval` seconds, until stopped."""

    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.path = Path(f"/proc/{pid}/status")
        self.interval = interval
        self.samples: list[int] = []  # kB
        self._stop_event = threading.Event()

    def rss_kb(self) -> int:
        for line in self.path.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS in {self.path}")

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.samples.append(self.rss_kb())
            except (OSError, RuntimeError):
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> list[int]:
        self._stop_event.set()
        self.join()
        return self.samples


@dataclass
class Download:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body_bytes: int = 0
    lines: int = 0  # newlines in the (de-chunked) body: rows + header for our CSV
    first_line: bytes = b""
    seconds: float = 0.0
    error: str | None = None


class _Dechunker:
    """HTTP/1.1 chunked transfer decoding that only counts (bytes, newlines, the first line)
    and hands each piece of the body to `sink`, if any."""

    def __init__(self, out: Download, sink: Callable[[bytes], None] | None = None) -> None:
        self.out = out
        self.sink = sink
        self.buf = bytearray()
        self.remaining = 0
        self.state = "size"

    def _data(self, start: int, end: int) -> None:
        self.out.body_bytes += end - start
        self.out.lines += self.buf.count(b"\n", start, end)
        if self.sink is not None:
            self.sink(bytes(self.buf[start:end]))
        if len(self.out.first_line) < 4096 and b"\n" not in self.out.first_line:
            self.out.first_line += bytes(self.buf[start : min(end, start + 4096)])

    def feed(self, data: bytes) -> bool:
        """Consume `data`; True once the last chunk has been seen."""
        self.buf += data
        pos = 0
        buf = self.buf
        while True:
            if self.state == "data":
                take = min(self.remaining, len(buf) - pos)
                if take == 0:
                    break
                self._data(pos, pos + take)
                pos += take
                self.remaining -= take
                if self.remaining == 0:
                    self.state = "crlf"
            elif self.state == "crlf":
                if len(buf) - pos < 2:
                    break
                pos += 2
                self.state = "size"
            elif self.state == "size":
                end = buf.find(b"\r\n", pos)
                if end < 0:
                    break
                size = int(bytes(buf[pos:end]).split(b";")[0], 16)
                pos = end + 2
                if size == 0:
                    self.state = "done"
                    break
                self.remaining = size
                self.state = "data"
            else:
                break
        del buf[:pos]
        return self.state == "done"


def stream_download(
    server: Server,
    path: str,
    timeout_s: float = 600.0,
    sink: Callable[[bytes], None] | None = None,
) -> Download:
    """GET `path` on a raw socket and read the whole answer, keeping nothing but counts; each
    piece of the body also goes to `sink` (a streaming parser), if any."""
    out = Download()
    request = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{server.port}", "Connection: close"]
    request += list(server.headers)
    started = time.perf_counter()
    with socket.create_connection((HOST, server.port), timeout=timeout_s) as sock:
        sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode())
        head = bytearray()
        while b"\r\n\r\n" not in head:
            data = sock.recv(65536)
            if not data:
                out.error = "connection closed before the response head"
                return out
            head += data
        raw_head, _, rest = bytes(head).partition(b"\r\n\r\n")
        status_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
        out.status = int(status_line.split()[1])
        for line in header_lines:
            key, _, value = line.partition(":")
            out.headers[key.strip().lower()] = value.strip()
        chunked = "chunked" in out.headers.get("transfer-encoding", "").lower()
        if chunked:
            decoder = _Dechunker(out, sink)
            done = decoder.feed(rest)
            while not done:
                data = sock.recv(1 << 20)
                if not data:
                    out.error = "connection closed before the last chunk"
                    break
                done = decoder.feed(data)
        else:
            length = int(out.headers.get("content-length", "-1"))
            out.body_bytes, out.lines, out.first_line = len(rest), rest.count(b"\n"), rest[:4096]
            if sink is not None:
                sink(rest)
            while length < 0 or out.body_bytes < length:
                data = sock.recv(1 << 20)
                if not data:
                    if length >= 0:
                        out.error = "connection closed before Content-Length bytes"
                    break
                out.body_bytes += len(data)
                out.lines += data.count(b"\n")
                if sink is not None:
                    sink(data)
    out.seconds = time.perf_counter() - started
    out.first_line = out.first_line.split(b"\n", 1)[0].rstrip(b"\r")
    return out


async def copy_baseline(runs: int = 2) -> tuple[float, int, int, list[float]]:
    """`COPY (COSTS_COPY_SQL) TO STDOUT WITH CSV HEADER` into a sink that counts; the best of
    `runs` (the first also warms the cache). Returns seconds, bytes, lines and every run's time."""
    conn = await asyncpg.connect(seed.dsn())
    try:
        await conn.execute("SET statement_timeout = 0")
        times: list[float] = []
        size = lines = 0
        for _ in range(runs):
            counts = [0, 0]

            async def sink(chunk: bytes, counts: list[int] = counts) -> None:
                counts[0] += len(chunk)
                counts[1] += chunk.count(b"\n")

            started = time.perf_counter()
            await conn.copy_from_query(COSTS_COPY_SQL, output=sink, format="csv", header=True)
            times.append(time.perf_counter() - started)
            size, lines = counts
    finally:
        await conn.close()
    return min(times), size, lines, times


async def costs_csv(server: Server, expected_rows: int, settings: Settings) -> list[dict[str, Any]]:
    """The CSV export's memory growth and throughput (two figures)."""
    assert server.process is not None
    # Warm-up: a small export (the costs of the last day) runs the same code once.
    warm = stream_download(server, f"/api/v1/costs?format=csv&from={AS_OF}")
    print(
        f"  warm-up export (from={AS_OF}): HTTP {warm.status}, {max(warm.lines - 1, 0)} rows"
        + (f", {warm.error}" if warm.error else ""),
        flush=True,
    )
    copy_s, copy_bytes, copy_lines, copy_runs = await copy_baseline()
    copy_rows = copy_lines - 1
    copy_rps = copy_rows / copy_s
    print(
        f"  COPY baseline: {copy_rows:,} rows, {copy_bytes / 1e6:.0f} MB in {copy_s:.2f} s "
        f"({copy_rps:,.0f} rows/s; runs {', '.join(f'{t:.2f}' for t in copy_runs)} s)",
        flush=True,
    )
    sampler = RssSampler(server.process.pid, settings.rss_interval_s)
    before_kb = sampler.rss_kb()
    sampler.start()
    try:
        got = stream_download(server, "/api/v1/costs?format=csv")
    finally:
        samples = sampler.stop()
    after_kb = sampler.rss_kb()
    peak_kb = max([before_kb, after_kb, *samples])
    growth_mb = (peak_kb - before_kb) / 1024
    rows = max(got.lines - 1, 0)
    rps = rows / got.seconds if got.seconds else 0.0
    problems = []
    failures = 0
    if not 200 <= got.status < 300:
        failures = 1
        problems.append(f"HTTP {got.status}")
    if got.error:
        problems.append(got.error)
    if failures == 0 and rows != expected_rows:
        problems.append(f"{rows:,} CSV rows, expected {expected_rows:,} (+ header)")
    header = got.first_line.decode("utf-8", "replace").split(",")
    if failures == 0 and sorted(header) != sorted(COSTS_CSV_COLUMNS):
        problems.append(f"CSV header {header} is not {list(COSTS_CSV_COLUMNS)}")
    print(
        f"  GET /api/v1/costs?format=csv: HTTP {got.status}, {rows:,} rows, "
        f"{got.body_bytes / 1e6:.0f} MB in {got.seconds:.2f} s ({rps:,.0f} rows/s); server RSS "
        f"{before_kb / 1024:.0f} MB before, peak {peak_kb / 1024:.0f} MB "
        f"({len(samples)} samples), {after_kb / 1024:.0f} MB after",
        flush=True,
    )
    common: dict[str, Any] = {
        "rows": rows,
        "bytes": got.body_bytes,
        "seconds": round(got.seconds, 3),
        "rows_per_s": round(rps),
        "copy": {
            "rows": copy_rows,
            "bytes": copy_bytes,
            "seconds": round(copy_s, 3),
            "runs_s": [round(t, 3) for t in copy_runs],
            "rows_per_s": round(copy_rps),
        },
        "rss_kb": {"before": before_kb, "peak": peak_kb, "after": after_kb},
        "rss_samples": len(samples),
    }
    return [
        figure(
            "costs-csv",
            "GET /costs?format=csv server RSS growth",
            round(growth_mb, 1),
            100.0,
            "<=",
            "MB",
            errors=failures,
            problems=problems,
            **common,
        ),
        figure(
            "costs-csv",
            "GET /costs?format=csv rows/s / COPY rows/s",
            round(rps / copy_rps, 3),
            0.5,
            ">=",
            "x",
            errors=failures,
            problems=problems,
            **common,
        ),
    ]
