"""`make bench`: pmo-api against a bare Starlette + asyncpg app, same database, same JSON;
pmo-api's earned-value endpoints against plain SQL and COPY on the same data; and its portfolio
summary and KPI feed (issue 5) against their limits.

Steps: install wrk if missing; rebuild and seed the `pmo_bench` database; serve both apps with
identical uvicorn flags; check that they answer the same bodies; then per wrk scenario warm both
up and measure them alternately (ours, bare, bare, ours, ...) with wrk. Prints req/s and p99 per
app and the ratio ours/bare against the scenario's limit. Then the earned-value scenarios
(bench/evm_bench.py) and reports (bench/report_bench.py): one request at a time, p50/p95 latency
against limits, the CSV exports' memory and throughput. PASS/FAIL per figure; the raw figures
go to bench/results/latest.json.
Exit status 1 when a figure fails, 2 when the bench itself could not run. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

import dependency_bench
import evm_bench
import graphql_bench
import http_load  # bench/ is the script's directory, so first on sys.path
import machine
import report_bench
import resource_bench
import seed
import seed_resources
from servers import Server, database_cpu_seconds

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
IDS_FILE = RESULTS / "project_ids.txt"

NEAR = 0.10  # a ratio within 10% of its limit is flagged as too close to call on one run


@dataclass(frozen=True)
class Scenario:
    """One figure: a request (fixed path, or a prefix + random project id per request) and the
    least throughput ours must reach, as a fraction of the bare app's."""

    name: str
    title: str
    path: str
    min_ratio: float
    random_ids: bool = False

    def wrk_args(self) -> tuple[str, ...]:
        return (str(IDS_FILE), self.path) if self.random_ids else ()


SCENARIOS = [
    Scenario(
        "project-get",
        "GET /api/v1/projects/{id} (random ids)",
        "/api/v1/projects/",
        0.5,
        random_ids=True,
    ),
    Scenario("project-list", "GET /api/v1/projects?limit=100", "/api/v1/projects?limit=100", 0.4),
]
# Measured one request at a time against ours only: earned value (issue 4, bench/evm_bench.py),
# then the portfolio summary and the KPI feed (issue 5, bench/report_bench.py).
EVM_SCENARIOS = [
    "portfolio-evm",
    "project-evm",
    "evm-series",
    "portfolio-summary",
    "portfolio-compliance",
    "costs-csv",
    "kpi-values-csv",
    "graphql-neighbour",
]
# Issue 14, on a database of their own (bench/seed_resources.py, bench/resource_bench.py);
# `--scenario resources` selects the three.
RESOURCE_SCENARIOS = resource_bench.NAMES
# Issue 16, on a database of its own (bench/seed_dependencies.py, bench/dependency_bench.py).
DEPENDENCY_SCENARIOS = [dependency_bench.NAME]
GROUPS = {"resources": RESOURCE_SCENARIOS}
SEED_LIMIT_S = 60.0
RESOURCE_SEED_LIMIT_S = 120.0


# --- the equivalence check ---------------------------------------------------------------------


def _get(server: Server, path: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(server.request(path), timeout=10) as answer:
        headers = {k.lower(): v for k, v in answer.headers.items()}
        return answer.status, headers, answer.read()


def _same_json(a: Any, b: Any) -> bool:
    """Equal values and, for objects, the same key order (the field order is part of it)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _link_target(header: str | None) -> str | None:
    if header is None:
        return None
    url = urlsplit(header.split(">", 1)[0].lstrip("<"))
    return f"{url.path}?{url.query}"


def check_same_answers(ours: Server, bare: Server, project_id: str) -> dict[str, Any]:
    """Both apps answer the benchmarked requests with the same bytes (so the same JSON, in the
    same field order, `health` included) and the same ETag / Link headers; otherwise the
    comparison would not be honest."""
    report: dict[str, Any] = {}
    for label, path in (
        ("project-get", f"/api/v1/projects/{project_id}"),
        ("project-list", "/api/v1/projects?limit=100"),
    ):
        s1, h1, b1 = _get(ours, path)
        s2, h2, b2 = _get(bare, path)
        j1, j2 = json.loads(b1), json.loads(b2)
        problems = []
        if s1 != 200 or s2 != 200:
            problems.append(f"status {s1} vs {s2}")
        if not _same_json(j1, j2):
            problems.append("JSON bodies differ")
        elif b1 != b2:
            pairs = enumerate(zip(b1, b2, strict=False))
            at = next((i for i, (x, y) in pairs if x != y), min(len(b1), len(b2)))
            problems.append(f"same JSON, different bytes (from byte {at}: {b1[at : at + 60]!r})")
        if h1.get("etag") != h2.get("etag"):
            problems.append(f"ETag {h1.get('etag')} vs {h2.get('etag')}")
        if _link_target(h1.get("link")) != _link_target(h2.get("link")):
            problems.append("Link headers differ")
        if h1.get("content-type") != h2.get("content-type"):
            problems.append(f"Content-Type {h1.get('content-type')} vs {h2.get('content-type')}")
        if problems:
            raise RuntimeError(
                f"{label}: the apps do not answer alike ({'; '.join(problems)})\n"
                f"  ours: {b1[:300]!r}\n  bare: {b2[:300]!r}"
            )
        rows = len(j1["data"]) if isinstance(j1, dict) and "data" in j1 else 1
        report[label] = {"path": path, "bytes": len(b1), "rows": rows, "identical_bytes": b1 == b2}
    return report


# --- measuring ----------------------------------------------------------------------------------


def _url(server: Server, scenario: Scenario) -> str:
    return server.base_url + scenario.path


Round = tuple[http_load.LoadResult, float | None, float | None]  # result, CPU ms/req: app, db


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _summary(runs: list[Round]) -> dict[str, Any]:
    rps = [r.rps for r, _, _ in runs]
    p99 = [r.p99_ms for r, _, _ in runs]
    rounds = [
        {**r.as_dict(), "server_cpu_ms_per_request": c, "database_cpu_ms_per_request": d}
        for r, c, d in runs
    ]
    return {
        "rps": sum(rps) / len(rps),
        "p99_ms": sum(p99) / len(p99),
        "server_cpu_ms_per_request": _mean([c for _, c, _ in runs]),
        "database_cpu_ms_per_request": _mean([d for _, _, d in runs]),
        "rounds": rounds,
    }


def _cpu_per_request(
    server: Server, before: float | None, result: http_load.LoadResult
) -> float | None:
    after = server.cpu_seconds()
    if before is None or after is None or not result.requests:
        return None
    return (after - before) / result.requests * 1000


def _database_cpu_per_request(
    before: dict[int, float], result: http_load.LoadResult
) -> float | None:
    """PostgreSQL's CPU per request: the backends of pmo_bench (only the measured app's pool
    is busy during a round), a backend that appeared meanwhile with all of its time."""
    after = database_cpu_seconds(seed.DATABASE)
    if not after or not result.requests:
        return None
    used = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    return used / result.requests * 1000


def measure(
    scenario: Scenario,
    apps: dict[str, Server],
    wrk: str,
    load: http_load.LoadSettings,
    rounds: int,
    warmup_s: int,
) -> dict[str, Any]:
    for name, server in apps.items():
        if warmup_s > 0:
            print(f"  warm-up {name:<5} {warmup_s} s", flush=True)
            http_load.run_wrk(
                wrk,
                _url(server, scenario),
                load,
                duration_s=warmup_s,
                script_args=scenario.wrk_args(),
                headers=server.headers,
            )
    runs: dict[str, list[Round]] = {n: [] for n in apps}
    order = list(apps)
    for i in range(rounds):
        # ABBA: alternate which app goes first, so slow drift (cache, heat) hits both alike.
        for name in order if i % 2 == 0 else reversed(order):
            cpu_before = apps[name].cpu_seconds()
            db_before = database_cpu_seconds(seed.DATABASE)
            result = http_load.run_wrk(
                wrk,
                _url(apps[name], scenario),
                load,
                script_args=scenario.wrk_args(),
                headers=apps[name].headers,
            )
            cpu = _cpu_per_request(apps[name], cpu_before, result)
            db_cpu = _database_cpu_per_request(db_before, result)
            note = f"  server CPU {cpu:.2f} ms/req" if cpu is not None else ""
            note += f", database CPU {db_cpu:.2f} ms/req" if db_cpu is not None else ""
            if result.error_count:
                note += f"  {result.error_count} ERRORS {result.errors}"
            print(
                f"  round {i + 1} {name:<5} {result.rps:9.1f} req/s  p99 {result.p99_ms:8.1f} ms"
                f"{note}",
                flush=True,
            )
            runs[name].append((result, cpu, db_cpu))
    ours, bare = _summary(runs["ours"]), _summary(runs["bare"])
    errors = sum(r.error_count for rs in runs.values() for r, _, _ in rs)
    ratio = ours["rps"] / bare["rps"] if bare["rps"] else 0.0
    return {
        "name": scenario.name,
        "title": scenario.title,
        "limit": scenario.min_ratio,
        "ours": ours,
        "bare": bare,
        "ratio": ratio,
        "p99_ratio": ours["p99_ms"] / bare["p99_ms"] if bare["p99_ms"] else None,
        "cpu_ratio": (
            ours["server_cpu_ms_per_request"] / bare["server_cpu_ms_per_request"]
            if ours["server_cpu_ms_per_request"] and bare["server_cpu_ms_per_request"]
            else None
        ),
        "errors": errors,
        "passed": errors == 0 and ratio >= scenario.min_ratio,
        "near_limit": abs(ratio - scenario.min_ratio) <= NEAR * scenario.min_ratio,
    }


# --- reporting ----------------------------------------------------------------------------------


def verdict_line(fig: dict[str, Any]) -> str:
    word = "PASS" if fig["passed"] else "FAIL"
    text = (
        f"{word}  {fig['title']}: ours/bare throughput {fig['ratio']:.2f} "
        f"(limit >= {fig['limit']:.2f})"
    )
    if fig["errors"]:
        text += f"; {fig['errors']} failed requests (non-2xx or socket errors)"
    if fig["near_limit"]:
        text += "; within 10% of the limit: noisy on a shared 2-core machine, run again"
    return text


def print_table(figures: list[dict[str, Any]]) -> None:
    head = (
        f"{'scenario':<40} {'ours req/s':>10} {'bare req/s':>10} {'ratio':>6} {'limit':>7} "
        f"{'ours p99':>10} {'bare p99':>10}  result"
    )
    print(head)
    print("-" * len(head))
    for f in figures:
        print(
            f"{f['title']:<40} {f['ours']['rps']:>10.1f} {f['bare']['rps']:>10.1f} "
            f"{f['ratio']:>6.2f} {'>= ' + format(f['limit'], '.2f'):>7} "
            f"{f['ours']['p99_ms']:>7.1f} ms {f['bare']['p99_ms']:>7.1f} ms  "
            f"{'PASS' if f['passed'] else 'FAIL'}"
        )


def print_cpu(figures: list[dict[str, Any]]) -> None:
    """Diagnostic, not judged: server CPU per request moves far less than req/s when other
    work shares the machine, so it tells whether a change in a ratio is real. The database's
    CPU per request says how much of the machine each app's SQL takes from both."""
    rows = [f for f in figures if f.get("cpu_ratio")]
    if not rows:
        return
    print(
        "\nCPU per request (diagnostic; steadier than req/s on a busy machine): the app's "
        "process, and PostgreSQL's\n"
    )
    for f in rows:
        line = (
            f"{f['title']:<40} server: ours {f['ours']['server_cpu_ms_per_request']:6.2f} ms  "
            f"bare {f['bare']['server_cpu_ms_per_request']:6.2f} ms  "
            f"ours/bare {f['cpu_ratio']:5.2f}x"
        )
        ours_db = f["ours"].get("database_cpu_ms_per_request")
        bare_db = f["bare"].get("database_cpu_ms_per_request")
        if ours_db is not None and bare_db is not None:
            line += f"   database: ours {ours_db:6.2f} ms  bare {bare_db:6.2f} ms"
        print(line)


def _judged(fig: dict[str, Any]) -> str:
    return f"{fig['measured']:.3g}" if fig["measured"] is not None else "-"


def print_judged(figures: list[dict[str, Any]]) -> None:
    """The earned-value and report figures and the seed time: each value next to its limit."""
    if not figures:
        return
    head = f"{'figure':<60} {'measured':>12} {'limit':>12}  result"
    print(head)
    print("-" * len(head))
    for f in figures:
        measured = f"{_judged(f)} {f['unit']}"
        limit = f"{f['op']} {f['limit']:g} {f['unit']}"
        result = "PASS" if f["passed"] else "FAIL"
        if not f["judged"]:
            result = f"({result.lower()}: diagnostic, not judged)"
        print(f"{f['title']:<60} {measured:>12} {limit:>12}  {result}")


def judged_verdict(fig: dict[str, Any]) -> str:
    word = "PASS" if fig["passed"] else "FAIL"
    if not fig["judged"]:
        word = "info"
    text = f"{word}  {fig['title']}: {_judged(fig)} {fig['unit']} (limit {fig['op']} "
    text += f"{fig['limit']:g} {fig['unit']})"
    if fig.get("endpoint"):
        text += (
            f"; endpoint p50 {fig['endpoint']['p50_ms']:.1f} ms p95 "
            f"{fig['endpoint']['p95_ms']:.1f} ms, plain SQL p50 {fig['plain_sql']['p50_ms']:.1f}"
            f" ms p95 {fig['plain_sql']['p95_ms']:.1f} ms; first request "
            f"{fig['first_request_ms']} ms"
        )
    elif fig.get("latency"):
        text += f"; p95 {fig['latency']['p95_ms']:.1f} ms over {fig['latency']['n']} requests"
        if fig.get("first_request_ms") is not None:
            text += f"; first request {fig['first_request_ms']} ms"
    if fig.get("rows_per_s") is not None and fig["unit"] == "MB":
        text += f"; {fig['rows']:,} rows in {fig['seconds']:.1f} s ({fig['rows_per_s']:,} rows/s)"
    if fig["errors"]:
        text += f"; {fig['errors']} failed requests (non-2xx)"
    for problem in fig["problems"]:
        text += f"; {problem}"
    return text


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


async def _pg_version() -> str:
    conn = await asyncpg.connect(seed.dsn("postgres"))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


async def _existing_ids() -> list[str]:
    conn = await asyncpg.connect(seed.dsn())
    try:
        return [str(r[0]) for r in await conn.fetch("SELECT id FROM projects ORDER BY id")]
    finally:
        await conn.close()


async def _evm_targets() -> tuple[str, int, int]:
    """The portfolio with the most projects (the seed puts them all in one), its project count,
    and the number of cost entries of live projects (the rows the CSV export must give)."""
    conn = await asyncpg.connect(seed.dsn())
    try:
        row = await conn.fetchrow(
            "SELECT portfolio_id, count(*) AS n FROM projects WHERE archived_at IS NULL "
            "GROUP BY portfolio_id ORDER BY n DESC LIMIT 1"
        )
        costs = await conn.fetchval(
            "SELECT count(*) FROM cost_entries c JOIN projects p ON p.id = c.project_id "
            "WHERE p.archived_at IS NULL"
        )
        return str(row["portfolio_id"]), int(row["n"]), int(costs)
    finally:
        await conn.close()


async def _run_evm(
    names: list[str], apps: dict[str, Server], ids: list[str], settings: evm_bench.Settings
) -> list[dict[str, Any]]:
    ours = apps["ours"]
    portfolio_id, projects, costs = await _evm_targets()
    figures: list[dict[str, Any]] = []
    client = evm_bench.Client(ours)
    try:
        if "portfolio-evm" in names:
            print(f"\nportfolio-evm: portfolio {portfolio_id} ({projects:,} projects)", flush=True)
            for as_of, historical in (
                (evm_bench.AS_OF, False),
                (evm_bench.HISTORICAL_AS_OF, True),
                (None, True),  # diagnostic: a different date per request
            ):
                figures.append(
                    await evm_bench.portfolio_evm(
                        client, portfolio_id, as_of, settings, historical=historical
                    )
                )
        if "project-evm" in names:
            print("\nproject-evm", flush=True)
            figures.append(evm_bench.project_evm(client, ids, settings))
        if "evm-series" in names:
            print("\nevm-series", flush=True)
            figures.append(evm_bench.evm_series(client, ids, settings))
        if "portfolio-summary" in names:
            print(f"\nportfolio-summary: portfolio {portfolio_id} ({projects:,} projects)")
            figures.append(await report_bench.portfolio_summary(client, portfolio_id, settings))
        if "portfolio-compliance" in names:
            print(f"\nportfolio-compliance: portfolio {portfolio_id} ({projects:,} projects)")
            figures.append(await report_bench.portfolio_compliance(client, portfolio_id, settings))
    finally:
        client.close()
    # The exports run on a fresh process each, started the same way: memory freed by earlier
    # requests (the portfolio answers are ~5 MB of JSON) would otherwise hide what an export
    # holds on to.
    if "costs-csv" in names:
        print(f"\ncosts-csv: {costs:,} cost entries; a fresh server process", flush=True)
        figures += await evm_bench.costs_csv(_fresh(apps, "ours-csv"), costs, settings)
    if "graphql-neighbour" in names:
        figures += _graphql_neighbour(apps, ids)
    if "kpi-values-csv" in names:
        print(
            f"\nkpi-values-csv: {report_bench.FEED_FROM} to {report_bench.FEED_TO}, every "
            "project; a fresh server process",
            flush=True,
        )
        figures.append(await report_bench.kpi_values_csv(_fresh(apps, "ours-kpi"), settings))
    return figures


def _graphql_neighbour(apps: dict[str, Server], ids: list[str]) -> list[dict[str, Any]]:
    """bench/graphql_bench.py on fresh processes: with the production rate limit (judged),
    then with the bench's unreachable one (a diagnostic)."""
    viewer_key = seed.create_admin_key("viewer")
    ours = apps["ours"]
    limited = {k: v for k, v in ours.env.items() if k != "PMO_RATE_LIMIT_PER_MINUTE"}
    figures = []
    for name, env, judged in (("ours-limited", limited, True), ("ours-unlimited", ours.env, False)):
        print(f"\ngraphql-neighbour: a fresh server process ({name})", flush=True)
        for server in apps.values():
            server.stop()
        fresh = Server(name, ours.target, env=env, log_dir=RESULTS, headers=ours.headers)
        apps[name] = fresh
        fresh.start()
        fresh.wait_ready("/api/v1/projects?limit=1")
        figures.append(graphql_bench.neighbour(fresh, viewer_key, ids, judged=judged))
        fresh.stop()
    return figures


def _fresh(apps: dict[str, Server], name: str) -> Server:
    """Stop every process of ours and start a new one like it, as apps[name]."""
    ours = apps["ours"]
    for server in apps.values():
        if server.target == ours.target and server.env == ours.env:
            server.stop()
    fresh = Server(name, ours.target, env=ours.env, log_dir=RESULTS, headers=ours.headers)
    apps[name] = fresh
    fresh.start()
    fresh.wait_ready("/api/v1/projects?limit=1")
    return fresh


# --- main --------------------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--duration", type=_positive, default=10, help="seconds per measured run (10)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured warm-up (3)")
    p.add_argument("--rounds", type=_positive, default=2, help="measured runs per app (2)")
    p.add_argument("--connections", type=_positive, default=32, help="wrk connections (32)")
    p.add_argument("--threads", type=_positive, default=1, help="wrk threads (1)")
    p.add_argument(
        "--scenario",
        action="append",
        choices=[s.name for s in SCENARIOS]
        + EVM_SCENARIOS
        + RESOURCE_SCENARIOS
        + DEPENDENCY_SCENARIOS
        + list(GROUPS),
        help="only this scenario (repeatable; `resources`: the three of issue 14); default all",
    )
    p.add_argument(
        "--database",
        default=seed.DATABASE,
        help="the database to rebuild and measure (default %(default)s); the resource "
        "scenarios use <database>_resources",
    )
    p.add_argument(
        "--resource-samples",
        type=_positive,
        default=7,
        help="measured requests (and plain SELECTs) per issue-14 view (7)",
    )
    p.add_argument(
        "--samples",
        type=_positive,
        default=40,
        help="measured requests for project-evm and evm-series (40)",
    )
    p.add_argument(
        "--portfolio-samples",
        type=_positive,
        default=30,
        help="measured requests (and plain aggregates) per as_of for portfolio-evm (30)",
    )
    p.add_argument(
        "--ours-header",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="a header sent to pmo-api only, e.g. 'Authorization: Bearer KEY' (repeatable)",
    )
    p.add_argument(
        "--ours-env",
        action="append",
        default=[],
        metavar="PMO_X=value",
        help="an extra setting for pmo-api (default: production defaults), repeatable",
    )
    p.add_argument(
        "--ours-app",
        default="pmo_api.main:app",
        metavar="MODULE:APP",
        help="serve this ASGI app as 'ours' (for profiling experiments); default %(default)s",
    )
    p.add_argument(
        "--reuse-db", action="store_true", help="keep the existing pmo_bench data (no re-seed)"
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    signal.signal(signal.SIGTERM, machine.on_sigterm)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    load_at_start = machine.load_at_start()
    seed.DATABASE = args.database
    chosen = {n for name in args.scenario or () for n in GROUPS.get(name, [name])}
    scenarios = [s for s in SCENARIOS if not chosen or s.name in chosen]
    evm_names = [n for n in EVM_SCENARIOS if not chosen or n in chosen]
    resource_names = [n for n in RESOURCE_SCENARIOS if not chosen or n in chosen]
    dependency_names = [n for n in DEPENDENCY_SCENARIOS if not chosen or n in chosen]
    evm_settings = evm_bench.Settings(
        samples=args.samples,
        portfolio_samples=args.portfolio_samples,
        resource_samples=args.resource_samples,
    )
    load = http_load.LoadSettings(
        threads=args.threads, connections=args.connections, duration_s=args.duration
    )
    RESULTS.mkdir(parents=True, exist_ok=True)

    wrk = http_load.ensure_wrk() if scenarios else ""
    judged: list[dict[str, Any]] = []
    main_db = bool(scenarios or evm_names)  # the resource scenarios have their own
    ids: list[str] = []
    dataset: dict[str, Any] = {}
    if main_db and args.reuse_db:
        ids = asyncio.run(_existing_ids())
        dataset = {"reused": True, "projects": len(ids)}
        print(f"data: reusing {seed.DATABASE} ({len(ids)} projects)", flush=True)
    elif main_db:
        data = seed.build()
        ids = [str(i) for i in data.project_ids]
        dataset = {
            "portfolios": data.portfolios,
            "projects": data.projects,
            "seed_seconds": round(data.seconds, 2),
            **data.details,
        }
        print(f"data: {seed.DATABASE} rebuilt: {data.describe()}", flush=True)
        judged.append(
            evm_bench.figure(
                "seed",
                "seed (recreate, migrate, COPY, aggregates, VACUUM ANALYZE)",
                round(data.seconds, 1),
                SEED_LIMIT_S,
                "<=",
                "s",
            )
        )
    if resource_names and not args.reuse_db:
        rdata = seed_resources.build()
        dataset["resources"] = {"rows": rdata.rows, "steps": rdata.steps}
        print(f"data: {rdata.database} rebuilt: {rdata.describe()}", flush=True)
        judged.append(
            evm_bench.figure(
                "seed-resources",
                "seed of the resources database (issue 14)",
                round(rdata.seconds, 1),
                RESOURCE_SEED_LIMIT_S,
                "<=",
                "s",
                judged=False,
            )
        )
    if ids:
        seed.write_ids(ids, IDS_FILE)

    # pmo-api with production defaults: inherited PMO_* variables are dropped on purpose.
    # Authentication is on (every request carries an admin key) and so is the rate limiter,
    # with a limit the load cannot reach.
    key = seed.create_admin_key() if main_db else ""
    ours_headers = (f"Authorization: Bearer {key}", *args.ours_header)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    ours_env = {
        **base_env,
        "PMO_DATABASE_URL": seed.sqlalchemy_url(),
        "PMO_RATE_LIMIT_PER_MINUTE": "1000000000",
    }
    for item in args.ours_env:
        key, _, value = item.partition("=")
        ours_env[key] = value
    bare_env = {**base_env, "BENCH_DSN": seed.dsn()}
    apps = {
        # Our access log (on by default) goes to stdout: discarded, but still produced.
        "ours": Server("ours", args.ours_app, env=ours_env, log_dir=RESULTS, headers=ours_headers),
    }
    if scenarios:  # the bare app is only the wrk scenarios' yardstick
        apps["bare"] = Server("bare", "bare_app:app", env=bare_env, log_dir=RESULTS, app_dir=BENCH)
    figures: list[dict[str, Any]] = []
    check: dict[str, Any] = {}
    try:
        for server in apps.values() if main_db else ():
            server.start()
        for server in apps.values() if main_db else ():
            server.wait_ready("/api/v1/projects?limit=1")
        if scenarios:
            check = check_same_answers(apps["ours"], apps["bare"], ids[len(ids) // 2])
            sizes = ", ".join(f"{name} {info['bytes']} B" for name, info in check.items())
            print(
                "check: both apps return the same bytes (health included) for one project and "
                f"one page of 100 ({sizes})",
                flush=True,
            )
            print(
                f"load: wrk -t{load.threads} -c{load.connections} -d{load.duration_s}s "
                f"--latency, {args.warmup} s warm-up, {args.rounds} rounds per app, alternating",
                flush=True,
            )
        for scenario in scenarios:
            print(f"\n{scenario.title}", flush=True)
            figures.append(measure(scenario, apps, wrk, load, args.rounds, args.warmup))
        if evm_names:
            print(
                f"\nearned value and reports: one request at a time on one keep-alive connection, "
                f"{evm_settings.warmups} warm-ups + {evm_settings.samples} measured "
                f"(portfolio: {evm_settings.portfolio_warmups} + "
                f"{evm_settings.portfolio_samples}, alternating with the plain aggregate)",
                flush=True,
            )
            judged += asyncio.run(_run_evm(evm_names, apps, ids, evm_settings))
        if resource_names:
            for server in apps.values():
                server.stop()
            found, servers = asyncio.run(
                resource_bench.run(resource_names, apps["ours"], evm_settings, RESULTS)
            )
            judged += found
            apps.update((server.name, server) for server in servers)
        if dependency_names:
            print(
                "\ndependencies (issue 16): at-risk list against a plain recursive walk", flush=True
            )
            judged += dependency_bench.run(reuse=args.reuse_db)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except (RuntimeError, OSError, http_load.LoadError, asyncpg.PostgresError) as exc:
        print(f"\nbench could not run: {exc}", file=sys.stderr)
        return 2
    finally:
        for server in apps.values():
            server.stop()

    elapsed = time.perf_counter() - started
    if figures:
        print("\nSummary (throughput = mean of the rounds; p99 = mean of the rounds' p99)\n")
        print_table(figures)
        print_cpu(figures)
    if judged:
        print("\nEarned value, reports, resources (sequential requests) and seeds\n")
        print_judged(judged)
    print()
    for fig in figures:
        print(verdict_line(fig))
    for fig in judged:
        print(judged_verdict(fig))
    print(f"\ntook {elapsed:.0f} s; raw figures in {RESULTS / 'latest.json'}")

    (RESULTS / "latest.json").write_text(
        json.dumps(
            {
                "started_at": started_at.isoformat(),
                "elapsed_s": round(elapsed, 1),
                "git_commit": _git_commit(),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "postgresql": asyncio.run(_pg_version()),
                    "platform": platform.platform(),
                    "load_average_1min": {"start": load_at_start, "end": machine.load_average()},
                },
                "load": {
                    "tool": "wrk",
                    "threads": load.threads,
                    "connections": load.connections,
                    "duration_s": load.duration_s,
                    "warmup_s": args.warmup,
                    "rounds": args.rounds,
                    # names only: a header may carry a secret (an API key)
                    "ours_headers": [h.split(":")[0] for h in ours_headers],
                    "ours_env": args.ours_env,
                    "ours_app": args.ours_app,
                },
                "dataset": dataset,
                "check": check,
                "scenarios": figures,
                "judged": judged,
            },
            indent=2,
        )
        + "\n"
    )
    passed = all(f["passed"] for f in figures) and all(f["passed"] for f in judged if f["judged"])
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
