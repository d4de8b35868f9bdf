"""What a PMO reports upward (issue 5): the portfolio summary's latency and the KPI feed's CSV
export, each against a limit. Measured like the earned-value scenarios (bench/evm_bench.py),
whose helpers they use:

- `portfolio-summary`: `GET /api/v1/portfolios/{id}/summary?as_of=2026-11-22` for the portfolio
  holding all 10,000 projects, one request at a time; judged on p50 (ms). The first answer is
  checked against plain SQL over the raw rows: project counts by status, by health (computed
  as the bare app does, bench/bare_app.py), budget and actual totals, the top risks, the
  milestones coming due.
- `kpi-values-csv`: `GET /api/v1/kpi-values?format=csv&from=2025-11-23&to=2026-11-22`, one
  year for every project (measured KPIs by date, the built-in ones at each month end), on a
  fresh server process; judged on the server's memory growth (VmRSS every 20 ms). The CSV is
  parsed as it arrives (csv module, line by line): header, field count, KPI codes, dates,
  statuses, values, and the row count against the one the data implies.
"""

from __future__ import annotations

import csv
import json
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

import bare_app
import evm_bench
import seed
from evm_bench import Client, RssSampler, Settings, figure, stats_ms, stream_download
from servers import Server

AS_OF = evm_bench.AS_OF  # 2026-11-22, "today" of the data set
SUMMARY_LIMIT_MS = 150.0
FEED_FROM = date(2025, 11, 23)
FEED_TO = date(2026, 11, 22)
FEED_MEMORY_LIMIT_MB = 100.0
# The columns of the kpi-values feed (CONTRACT §3, kpis/feed.py), in order.
FEED_COLUMNS = (
    "portfolio_id",
    "project_id",
    "project_code",
    "kpi_code",
    "measured_on",
    "value",
    "status",
    "computed",
    "updated_at",
)
EXPOSURE = "open_risk_exposure"  # the built-in KPI reported once, as of today
DUE_WITHIN_DAYS = 30


# --- portfolio-summary --------------------------------------------------------------------------


async def _plain_health(conn: asyncpg.Connection, portfolio_id: uuid.UUID, t: date) -> Counter[str]:
    """Projects by health as of t, from the raw rows: the bare app's statement and rules."""
    sql = bare_app.HEALTH_SQL.format(
        page=f"SELECT {bare_app.COLUMNS} {bare_app.FROM_PROJECTS} "
        "WHERE projects.portfolio_id = $2 AND projects.archived_at IS NULL"
    )
    return Counter(bare_app.health(r, t) for r in await conn.fetch(sql, t, portfolio_id))


async def expected_summary(portfolio_id: str, t: date) -> dict[str, Any]:
    """What the summary must say, from plain SQL over the raw rows."""
    pid = uuid.UUID(portfolio_id)
    live = "p.portfolio_id = $1 AND p.archived_at IS NULL"
    conn = await asyncpg.connect(seed.dsn())
    try:
        await conn.execute("SET statement_timeout = 0")
        by_status = {
            r["status"]: r["n"]
            for r in await conn.fetch(
                f"SELECT status, count(*) AS n FROM projects p WHERE {live} GROUP BY status", pid
            )
        }
        budget = await conn.fetchval(f"SELECT SUM(budget) FROM projects p WHERE {live}", pid)
        actual = await conn.fetchval(
            f"SELECT SUM(c.amount) FROM cost_entries c JOIN projects p ON p.id = c.project_id "
            f"WHERE {live} AND c.incurred_on <= $2",
            pid,
            t,
        )
        top_score = await conn.fetchval(
            f"SELECT max(r.score) FROM risks r JOIN projects p ON p.id = r.project_id "
            f"WHERE {live} AND r.status IN ('open', 'mitigating')",
            pid,
        )
        due = await conn.fetchval(
            f"SELECT count(*) FROM milestones m JOIN projects p ON p.id = m.project_id "
            f"WHERE {live} AND m.completed_on IS NULL AND m.due_date > $2 AND m.due_date <= $3",
            pid,
            t,
            t + timedelta(days=DUE_WITHIN_DAYS),
        )
        by_health = await _plain_health(conn, pid, t)
    finally:
        await conn.close()
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_health": dict(by_health),
        "budget_total": int(budget or 0),  # cents
        "actual_total": int(actual or 0),
        "top_score": top_score,
        "milestones_due_count": int(due),
    }


def check_summary(body: bytes, want: dict[str, Any]) -> list[str]:
    """The summary's figures against plain SQL's (money in cents, exactly)."""
    data = json.loads(body)
    problems = []
    counts = data.get("projects", {})
    if counts.get("total") != want["total"]:
        problems.append(f"projects.total {counts.get('total')}, plain SQL {want['total']}")
    got_status = {k: v for k, v in counts.get("by_status", {}).items() if v}
    if got_status != want["by_status"]:
        problems.append(f"by_status {got_status}, plain SQL {want['by_status']}")
    got_health = {k: v for k, v in counts.get("by_health", {}).items() if v}
    if got_health != want["by_health"]:
        problems.append(f"by_health {got_health}, plain SQL and rules {want['by_health']}")
    for key in ("budget_total", "actual_total"):
        got = data.get(key)
        if got is None or round(got * 100) != want[key]:
            problems.append(f"{key} {got}, plain SQL {want[key] / 100}")
    risks = data.get("top_risks", [])
    scores = [r.get("score") for r in risks]
    if len(risks) != 10 or scores != sorted(scores, reverse=True):
        problems.append(f"top_risks: {len(risks)} risks, scores {scores}")
    elif scores[0] != want["top_score"] or any(
        r.get("status") not in ("open", "mitigating") for r in risks
    ):
        problems.append(f"top_risks: scores {scores}, highest open score {want['top_score']}")
    if data.get("milestones_due_count") != want["milestones_due_count"]:
        problems.append(
            f"milestones_due_count {data.get('milestones_due_count')}, "
            f"plain SQL {want['milestones_due_count']}"
        )
    return problems


async def portfolio_summary(
    client: Client, portfolio_id: str, settings: Settings
) -> dict[str, Any]:
    """p50 of the summary over `portfolio_samples` requests after `portfolio_warmups`; the first
    request (the first time the process answers it) reported apart."""
    want = await expected_summary(portfolio_id, AS_OF)
    path = f"/api/v1/portfolios/{portfolio_id}/summary?as_of={AS_OF}"
    times, failures, problems = [], 0, []
    first_ms = None
    for i in range(settings.portfolio_warmups + settings.portfolio_samples):
        status, body, seconds = client.get(path)
        if i == 0:
            first_ms = round(seconds * 1000, 1)
            if 200 <= status < 300:
                problems += check_summary(body, want)
        if not 200 <= status < 300:
            failures += 1
            if len(problems) < 3:
                problems.append(f"HTTP {status} for {path}: {body[:200]!r}")
        elif i >= settings.portfolio_warmups:
            times.append(seconds)
    stats = stats_ms(times) if times else {}
    print(
        f"  summary: p50 {stats.get('p50_ms', float('nan')):.1f} ms, "
        f"p95 {stats.get('p95_ms', float('nan')):.1f} ms over {len(times)} requests; first "
        f"request {first_ms} ms; {want['total']:,} projects, by health {want['by_health']}"
        + (f", {failures} failed" if failures else ""),
        flush=True,
    )
    return figure(
        "portfolio-summary",
        f"GET /portfolios/{{id}}/summary?as_of={AS_OF} p50",
        stats.get("p50_ms"),
        SUMMARY_LIMIT_MS,
        "<=",
        "ms",
        errors=failures,
        problems=problems,
        latency=stats,
        first_request_ms=first_ms,
        expected=want,
    )


# --- portfolio-compliance -----------------------------------------------------------------------

COMPLIANCE_RATIO_LIMIT = 1.5
COMPLIANCE_RULES = 6


async def expected_compliance(portfolio_id: str, t: date) -> dict[str, Any]:
    """From plain SQL over the raw rows: the live projects, and those with an open risk whose
    review date is before t (rule 5 not met) and with a finding's action overdue (rule 6)."""
    pid = uuid.UUID(portfolio_id)
    live = "p.portfolio_id = $1 AND p.archived_at IS NULL"
    conn = await asyncpg.connect(seed.dsn())
    try:
        total = await conn.fetchval(f"SELECT count(*) FROM projects p WHERE {live}", pid)
        late_risks = await conn.fetchval(
            f"SELECT count(DISTINCT r.project_id) FROM risks r JOIN projects p ON p.id = "
            f"r.project_id WHERE {live} AND r.status IN ('open', 'mitigating') "
            "AND r.review_date < $2",
            pid,
            t,
        )
        late_actions = await conn.fetchval(
            f"SELECT count(DISTINCT a.project_id) FROM action_items a JOIN projects p ON p.id = "
            f"a.project_id WHERE {live} AND a.source = 'finding' AND a.status <> 'cancelled' "
            "AND a.due_date < $2 AND (a.completed_on IS NULL OR a.completed_on > $2)",
            pid,
            t,
        )
    finally:
        await conn.close()
    return {"total": total, "late_risks": late_risks, "late_actions": late_actions}


def check_compliance(body: bytes, want: dict[str, Any]) -> list[str]:
    data = json.loads(body)
    problems = []
    found = data.get("projects", [])
    if len(found) != want["total"]:
        problems.append(f"{len(found)} projects, plain SQL {want['total']}")
    counts = {c["rule"]: c for c in data.get("by_rule", [])}
    if len(counts) != COMPLIANCE_RULES or any(
        c["met"] + c["not_met"] + c["not_applicable"] != want["total"] for c in counts.values()
    ):
        problems.append(f"by_rule {counts}: each rule must count every project once")
    for rule, key in (
        ("risks_reviewed_on_time", "late_risks"),
        ("corrective_actions_on_time", "late_actions"),
    ):
        got = counts.get(rule, {}).get("not_met")
        if got != want[key]:
            problems.append(f"{rule} not met for {got} projects, plain SQL {want[key]}")
    return problems


async def portfolio_compliance(
    client: Client, portfolio_id: str, settings: Settings
) -> dict[str, Any]:
    """`GET /portfolios/{id}/compliance` against the portfolio summary in the same run: the
    two requests alternate (so both see the same machine), p50 of each; judged on the ratio."""
    want = await expected_compliance(portfolio_id, AS_OF)
    paths = {
        "compliance": f"/api/v1/portfolios/{portfolio_id}/compliance?as_of={AS_OF}",
        "summary": f"/api/v1/portfolios/{portfolio_id}/summary?as_of={AS_OF}",
    }
    times: dict[str, list[float]] = {"compliance": [], "summary": []}
    failures, problems = 0, []
    first_ms, size = None, 0
    for i in range(settings.portfolio_warmups + settings.portfolio_samples):
        for name, path in paths.items():
            status, body, seconds = client.get(path)
            if not 200 <= status < 300:
                failures += 1
                if len(problems) < 3:
                    problems.append(f"HTTP {status} for {path}: {body[:200]!r}")
                continue
            if i == 0 and name == "compliance":
                first_ms, size = round(seconds * 1000, 1), len(body)
                problems += check_compliance(body, want)
            if i >= settings.portfolio_warmups:
                times[name].append(seconds)
    compliance = stats_ms(times["compliance"]) if times["compliance"] else {}
    summary = stats_ms(times["summary"]) if times["summary"] else {}
    ratio = None
    if compliance and summary:
        ratio = round(compliance["p50_ms"] / summary["p50_ms"], 2)
    print(
        f"  compliance: p50 {compliance.get('p50_ms', float('nan')):.1f} ms "
        f"(p95 {compliance.get('p95_ms', float('nan')):.1f}); summary p50 "
        f"{summary.get('p50_ms', float('nan')):.1f} ms in the same run; ratio {ratio} "
        f"(limit <= {COMPLIANCE_RATIO_LIMIT}x): "
        f"{'PASS' if ratio is not None and ratio <= COMPLIANCE_RATIO_LIMIT else 'FAIL'}; "
        f"{want['total']:,} projects, {size / 1e6:.1f} MB of JSON, first request {first_ms} ms"
        + (f", {failures} failed" if failures else ""),
        flush=True,
    )
    return figure(
        "portfolio-compliance",
        f"GET /portfolios/{{id}}/compliance?as_of={AS_OF} p50 / the summary's p50",
        ratio,
        COMPLIANCE_RATIO_LIMIT,
        "<=",
        "x",
        errors=failures,
        problems=problems,
        compliance_latency=compliance,
        summary_latency=summary,
        first_request_ms=first_ms,
        body_bytes=size,
        expected=want,
    )


# --- kpi-values-csv -----------------------------------------------------------------------------


def month_ends(first: date, last: date) -> list[date]:
    """The month ends within [first, last]."""
    ends: list[date] = []
    month = first.replace(day=1)
    while True:
        following = (month + timedelta(days=32)).replace(day=1)
        end = following - timedelta(days=1)
        if end > last:
            return ends
        ends.append(end)
        month = following


async def expected_feed(first: date, last: date, today: date) -> dict[str, Any]:
    """The rows a pull of [first, last] for every project must give: the measurements dated in
    it, and per live project each monthly built-in KPI at each month end up to today, plus
    open_risk_exposure once when today is in the range."""
    conn = await asyncpg.connect(seed.dsn())
    try:
        live = await conn.fetchval("SELECT count(*) FROM projects WHERE archived_at IS NULL")
        measured = await conn.fetchval(
            "SELECT count(*) FROM kpi_measurements m JOIN projects p ON p.id = m.project_id "
            "WHERE p.archived_at IS NULL AND m.measured_on BETWEEN $1 AND $2",
            first,
            last,
        )
        kpis = {r["code"]: r["computed"] for r in await conn.fetch("SELECT * FROM kpi_definitions")}
    finally:
        await conn.close()
    ends = month_ends(first, min(last, today))
    monthly = [c for c, computed in kpis.items() if computed and c != EXPOSURE]
    exposure = int(EXPOSURE in kpis and first <= today <= last)
    computed_rows = live * (len(monthly) * len(ends) + exposure)
    return {
        "rows": int(measured) + computed_rows,
        "measured_rows": int(measured),
        "computed_rows": computed_rows,
        "projects": int(live),
        "month_ends": len(ends),
        "kpi_codes": sorted(kpis),
    }


class CsvCheck:
    """Parses a CSV download as it arrives (whole lines at a time; the feed has no quoted line
    breaks) and checks each row cheaply: field count, KPI code, date in range, status, value,
    the `computed` flag. Keeps counts and the first few problems, never the rows."""

    def __init__(self, codes: Sequence[str], first: date, last: date) -> None:
        self.codes = frozenset(codes)
        self.first, self.last = first.isoformat(), last.isoformat()
        self.header: list[str] | None = None
        self.rows = 0
        self.by_kind: Counter[str] = Counter()
        self.problems: list[str] = []
        self.bad_rows = 0
        self._tail = b""

    def feed(self, data: bytes) -> None:
        data = self._tail + data
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        if cut:
            self._lines(data[:cut].decode("utf-8").splitlines())

    def close(self) -> None:
        if self._tail.strip():
            self._lines([self._tail.decode("utf-8")])
        self._tail = b""

    def _problem(self, text: str) -> None:
        self.bad_rows += 1
        if len(self.problems) < 3:
            self.problems.append(text)

    def _lines(self, lines: list[str]) -> None:
        for row in csv.reader(lines):
            if self.header is None:
                self.header = row
                continue
            self.rows += 1
            if len(row) != len(FEED_COLUMNS):
                self._problem(f"row {self.rows} has {len(row)} fields: {row}")
                continue
            _, _, _, code, on, value, status, computed, _ = row
            self.by_kind[computed] += 1
            if code not in self.codes:
                self._problem(f"row {self.rows}: unknown KPI {code!r}")
            elif not self.first <= on <= self.last:
                self._problem(f"row {self.rows}: measured_on {on} outside the range")
            elif status not in ("green", "amber", "red", ""):
                self._problem(f"row {self.rows}: status {status!r}")
            elif computed not in ("True", "False", "true", "false"):
                self._problem(f"row {self.rows}: computed {computed!r}")
            elif value:
                try:
                    float(value)
                except ValueError:
                    self._problem(f"row {self.rows}: value {value!r}")


async def kpi_values_csv(server: Server, settings: Settings) -> dict[str, Any]:
    """One year of the KPI feed for every project as CSV: the server's memory growth (judged),
    rows, seconds and rows/s (reported), the CSV parsed and its rows counted."""
    assert server.process is not None
    today = datetime.now(UTC).date()  # the server's "today", as it computes it
    want = await expected_feed(FEED_FROM, FEED_TO, today)
    # Warm-up: a small export (one measured KPI, one week) runs the same code once.
    warm_path = "/api/v1/kpi-values?format=csv&kpi=customer_satisfaction&from=2026-11-16"
    warm = stream_download(server, warm_path)
    print(
        f"  warm-up export (one KPI, one week): HTTP {warm.status}, {max(warm.lines - 1, 0)} rows "
        f"in {warm.seconds:.2f} s" + (f", {warm.error}" if warm.error else ""),
        flush=True,
    )
    path = f"/api/v1/kpi-values?format=csv&from={FEED_FROM}&to={FEED_TO}"
    check = CsvCheck(want["kpi_codes"], FEED_FROM, FEED_TO)
    sampler = RssSampler(server.process.pid, settings.rss_interval_s)
    before_kb = sampler.rss_kb()
    sampler.start()
    started = time.perf_counter()
    try:
        got = stream_download(server, path, sink=check.feed)
    finally:
        samples = sampler.stop()
    check.close()
    after_kb = sampler.rss_kb()
    peak_kb = max([before_kb, after_kb, *samples])
    growth_mb = (peak_kb - before_kb) / 1024
    seconds = got.seconds or time.perf_counter() - started
    rows = check.rows
    rps = rows / seconds if seconds else 0.0
    failures = 0
    problems: list[str] = []
    if not 200 <= got.status < 300:
        failures = 1
        problems.append(f"HTTP {got.status}")
    if got.error:
        problems.append(got.error)
    if failures == 0:
        if check.header != list(FEED_COLUMNS):
            problems.append(f"CSV header {check.header}, expected {list(FEED_COLUMNS)}")
        if rows != want["rows"]:
            problems.append(
                f"{rows:,} CSV rows, expected {want['rows']:,} ({want['measured_rows']:,} "
                f"measured + {want['computed_rows']:,} computed)"
            )
        if check.bad_rows:
            problems.append(f"{check.bad_rows} malformed rows, e.g. {'; '.join(check.problems)}")
    print(
        f"  GET {path}: HTTP {got.status}, {rows:,} rows ({check.by_kind.get('False', 0):,} "
        f"measured, {check.by_kind.get('True', 0):,} computed), {got.body_bytes / 1e6:.0f} MB "
        f"in {seconds:.2f} s ({rps:,.0f} rows/s); server RSS {before_kb / 1024:.0f} MB before, "
        f"peak {peak_kb / 1024:.0f} MB ({len(samples)} samples), {after_kb / 1024:.0f} MB after",
        flush=True,
    )
    return figure(
        "kpi-values-csv",
        "GET /kpi-values?format=csv (1 year, all) server RSS growth",
        round(growth_mb, 1),
        FEED_MEMORY_LIMIT_MB,
        "<=",
        "MB",
        errors=failures,
        problems=problems,
        rows=rows,
        rows_by_computed=dict(check.by_kind),
        expected=want,
        bytes=got.body_bytes,
        seconds=round(seconds, 3),
        rows_per_s=round(rps),
        rss_kb={"before": before_kb, "peak": peak_kb, "after": after_kb},
        rss_samples=len(samples),
    )
