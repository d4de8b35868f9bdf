"""The benchmark data set: a fresh `pmo_bench` database, migrated by pmo-api itself, filled with
~20 portfolios and 10,000 realistic projects by COPY (seconds, not minutes), then ANALYZEd.

The data is deterministic (a fixed random seed), so every run measures the same rows.
Run alone (`python bench/seed.py`) to (re)build the database without measuring anything.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson

import seed_finance  # bench/ is the script's directory, so first on sys.path
import seed_governance
import seed_registers
from seed_finance import Plan

HOST = "127.0.0.1"
PORT = 5432
USER = "postgres"
DATABASE = "pmo_bench"
SEED = 20261122

# The CLI of the environment running the bench (make bench: .venv/bin/python).
PMO_API = Path(sys.executable).parent / "pmo-api"


def dsn(database: str | None = None) -> str:
    """A plain libpq/asyncpg DSN (of DATABASE, read when called: bench/loadtest.py sets it)."""
    return f"postgresql://{USER}@{HOST}:{PORT}/{database or DATABASE}"


def sqlalchemy_url(database: str | None = None) -> str:
    """The same database as pmo-api's PMO_DATABASE_URL wants it."""
    return f"postgresql+asyncpg://{USER}@{HOST}:{PORT}/{database or DATABASE}"


@dataclass(frozen=True)
class DataSet:
    portfolios: int
    projects: int
    project_ids: list[uuid.UUID]
    seconds: float
    details: dict[str, Any]  # rows per table, seconds per step

    def describe(self) -> str:
        rows = self.details["rows"]
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.details["steps"].items())
        return (
            f"{rows['portfolios']} portfolios, {rows['projects']:,} projects, "
            f"{rows['budget_lines']:,} budget lines, {rows['cost_entries']:,} cost entries, "
            f"{rows['milestones']:,} milestones, {rows['progress_records']:,} progress records, "
            f"{rows['risks']:,} risks, {rows['kpi_measurements']:,} KPI measurements "
            f"in {self.seconds:.1f} s ({steps})"
        )


# --- vocabulary for plausible rows -----------------------------------------------------------

_PORTFOLIOS = [
    ("Digital Transformation", "USD"),
    ("Customer Experience", "USD"),
    ("Core Banking Renewal", "EUR"),
    ("Regulatory Compliance", "EUR"),
    ("Data & Analytics", "USD"),
    ("Cloud Migration", "USD"),
    ("Cyber Security", "GBP"),
    ("Supply Chain", "EUR"),
    ("Retail Network", "GBP"),
    ("Manufacturing Excellence", "EUR"),
    ("Research & Development", "CHF"),
    ("Sustainability", "EUR"),
    ("People & Culture", "USD"),
    ("Finance Systems", "USD"),
    ("Mergers & Integration", "GBP"),
    ("Asia Expansion", "JPY"),
    ("Field Operations", "CAD"),
    ("Product Platform", "USD"),
    ("Infrastructure", "EUR"),
    ("Innovation Lab", "USD"),
]
_FIRST = [
    "Alice",
    "Bruno",
    "Chen",
    "Dana",
    "Emeka",
    "Fatima",
    "Gustav",
    "Hana",
    "Ivan",
    "Julia",
    "Kwame",
    "Lena",
    "Mateo",
    "Noor",
    "Olga",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tariq",
]
_LAST = [
    "Andersen",
    "Baptiste",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ito",
    "Jansen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Van Dijk",
]
_ADJECTIVES = [
    "Unified",
    "Next-Gen",
    "Global",
    "Automated",
    "Secure",
    "Modern",
    "Integrated",
    "Lean",
    "Scalable",
    "Customer-Centric",
    "Real-Time",
    "Resilient",
    "Self-Service",
    "Green",
]
_SUBJECTS = [
    "Billing Platform",
    "CRM Rollout",
    "Data Warehouse",
    "Payments Gateway",
    "Mobile App",
    "ERP Upgrade",
    "Identity Management",
    "Warehouse Automation",
    "Network Refresh",
    "Reporting Suite",
    "Onboarding Journey",
    "Pricing Engine",
    "Service Desk",
    "Risk Engine",
    "Document Management",
    "Partner Portal",
    "Analytics Lakehouse",
    "Contact Centre",
]
_SENTENCES = [
    "Replace the legacy system that has reached the end of vendor support.",
    "Consolidate three regional processes into a single global one.",
    "Reduce the cost to serve by automating manual hand-offs.",
    "Meet the new regulatory reporting deadline without manual workarounds.",
    "Give customers a self-service channel available around the clock.",
    "Move the workload to managed cloud services and retire the data centre racks.",
    "Improve data quality so that monthly reporting closes two days earlier.",
    "Harden the platform against the findings of the last security audit.",
]
_OBJECTIVES = [
    "Cut operating cost by 15%",
    "Raise NPS by 10 points",
    "Retire the legacy platform",
    "Pass the external audit without findings",
    "Halve the order-to-cash cycle time",
    "Reach 99.9% availability",
    "Onboard 200 partners",
    "Reduce energy use by 20%",
    "Automate 80% of manual reconciliations",
    "Launch in three new markets",
]
_DELIVERABLES = [
    "Business case",
    "Solution architecture",
    "Data migration plan",
    "Test strategy",
    "Training material",
    "Go-live runbook",
    "Production release",
    "Benefits report",
    "Vendor contract",
    "Security assessment",
    "Operating model",
    "Cut-over plan",
]
_CONSTRAINTS = [
    "Fixed go-live before fiscal year end",
    "No change freeze exceptions",
    "Budget capped by the steering committee",
    "Key vendor available two days a week",
    "Must reuse the group identity platform",
    "Works councils must be consulted",
]
_TAGS = [
    "strategic",
    "regulatory",
    "cloud",
    "erp",
    "crm",
    "security",
    "data",
    "mobile",
    "esg",
    "cost-saving",
    "growth",
    "infrastructure",
    "customer",
    "internal",
    "vendor",
    "pilot",
]
_STATUSES = ["proposed", "approved", "active", "on_hold", "completed", "cancelled"]
_STATUS_WEIGHTS = [3, 5, 72, 7, 9, 4]  # mostly active


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def portfolio_rows(rng: random.Random, start: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for i, (name, currency) in enumerate(_PORTFOLIOS):
        created = start + timedelta(hours=i)
        rows.append(
            (
                _uuid(rng),
                name,
                f"The {name.lower()} portfolio.",
                currency,
                _person(rng),
                created,
                created,
                1,
            )
        )
    return rows


PROJECT_COLUMNS = (
    "id",
    "code",
    "portfolio_id",
    "name",
    "description",
    "objectives",
    "scope",
    "deliverables",
    "constraints",
    "sponsor",
    "manager",
    "priority",
    "status",
    "start_date",
    "finish_date",
    "actual_start",
    "actual_finish",
    "budget",
    "ev_method",
    "tags",
    "created_at",
    "updated_at",
    "version",
)
PORTFOLIO_COLUMNS = (
    "id",
    "name",
    "description",
    "currency",
    "owner",
    "created_at",
    "updated_at",
    "version",
)


def project_rows(
    rng: random.Random, portfolio_id: uuid.UUID, count: int, start: datetime
) -> tuple[list[tuple[Any, ...]], list[Plan]]:
    """The projects, all in one portfolio, and their plans (dates, baseline) for the finance
    rows. A project's budget is the total of its baseline's lines, as the API keeps it."""
    rows = []
    plans = []
    today = seed_finance.TODAY
    span = timedelta(days=365)
    for i in range(count):
        # Creation times ascend over the year before the plans start, with random microseconds.
        created = start + span * (i / count) + timedelta(microseconds=rng.randrange(1_000_000))
        updated = created + timedelta(days=rng.randrange(0, 200), seconds=rng.randrange(86_400))
        status = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
        ev_method = "percent_complete" if rng.random() < 0.2 else "milestones"
        plan = seed_finance.make_plan(rng, _uuid(rng), created, ev_method)
        begin, finish = plan.start, plan.finish
        actual_start = actual_finish = None
        if status in ("active", "on_hold", "completed"):
            actual_start = begin + timedelta(days=rng.randrange(0, 30))
        if status == "completed":
            actual_finish = min(finish + timedelta(days=rng.randrange(-30, 90)), today)
            actual_finish = max(actual_finish, actual_start or begin)
        plans.append(plan)
        rows.append(
            (
                plan.project_id,
                f"PRJ-{i + 1:05d}",
                portfolio_id,
                f"{rng.choice(_ADJECTIVES)} {rng.choice(_SUBJECTS)} {i + 1}",
                " ".join(rng.sample(_SENTENCES, rng.randint(1, 3))),
                _json(rng.sample(_OBJECTIVES, rng.randint(1, 4))),
                rng.choice(_SENTENCES) if rng.random() < 0.8 else None,
                _json(rng.sample(_DELIVERABLES, rng.randint(1, 6))),
                _json(rng.sample(_CONSTRAINTS, rng.randint(0, 3))),
                _person(rng),
                _person(rng) if rng.random() < 0.95 else None,
                rng.randint(1, 5),
                status,
                begin,
                finish,
                actual_start,
                actual_finish,
                plan.budget,
                ev_method,
                _json(rng.sample(_TAGS, rng.randint(0, 5))),
                created,
                updated,
                rng.randint(1, 6),
            )
        )
    return rows, plans


# --- steps -------------------------------------------------------------------------------------


async def recreate_database(database: str | None = None) -> None:
    """DROP and CREATE `pmo_bench` (or `database`; connected to `postgres`, FORCE ends stale
    sessions)."""
    name = database or DATABASE
    conn = await asyncpg.connect(dsn("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def migrate(database: str | None = None) -> None:
    """The schema exactly as production gets it: `pmo-api migrate`."""
    env = {**os.environ, "PMO_DATABASE_URL": sqlalchemy_url(database)}
    done = subprocess.run(
        [str(PMO_API), "migrate"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError("pmo-api migrate failed")


async def copy(
    table: str,
    rows: list[tuple[Any, ...]],
    columns: Sequence[str],
    *,
    bulk: bool = False,
    database: str | None = None,
) -> None:
    """COPY rows into one table on a connection of its own (tables load side by side).

    `bulk`: the table's keys, foreign keys and indexes are dropped for the COPY and created
    again afterwards from their own definitions, as read from the catalog (so the schema ends
    exactly as `pmo-api migrate` made it). Building an index once over a million rows is several
    times faster than maintaining five of them row by row."""
    conn = await asyncpg.connect(dsn(database))
    try:
        async with conn.transaction():
            restore: list[str] = []
            if bulk:
                # More sort memory than the default 64 MB: the index builds take ~20% less time.
                await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
                restore = await _drop_keys_and_indexes(conn, table)
            await conn.copy_records_to_table(table, records=rows, columns=columns)
            for statement in restore:
                await conn.execute(statement)
    finally:
        await conn.close()


async def _drop_keys_and_indexes(conn: asyncpg.Connection, table: str) -> list[str]:
    """Drop the table's primary key, unique and foreign keys and its other indexes; return the
    statements that create them again (keys first, so a foreign key finds its target)."""
    constraints = await conn.fetch(
        """
        SELECT conname, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint
        WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f')
        ORDER BY contype DESC, conname
        """,
        table,
    )
    indexes = await conn.fetch(
        """
        SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
        FROM pg_index
        WHERE indrelid = $1::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)
        ORDER BY 1
        """,
        table,
    )
    for row in constraints:
        await conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{row["conname"]}"')
    for row in indexes:
        await conn.execute(f"DROP INDEX {row['name']}")
    return [
        *(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{r["conname"]}" {r["definition"]}'
            for r in constraints
        ),
        *(str(r["definition"]) for r in indexes),
    ]


async def refresh_aggregates(database: str | None = None) -> None:
    """evm_months and project_finance rebuilt exactly as the app does after a bulk load, and
    a compliance stamp for every project (rows loaded without the API)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from pmo_api.compliance import stamps
    from pmo_api.evm import aggregates

    engine = create_async_engine(sqlalchemy_url(database))
    try:
        async with engine.begin() as conn:
            await aggregates.refresh(conn, None)
            await stamps.stamp_all(conn)
    finally:
        await engine.dispose()


async def fill(projects: int = 10_000) -> tuple[int, list[uuid.UUID], dict[str, Any]]:
    """Portfolios, projects and their schedule and money, by COPY; then the aggregates as the
    app builds them, and VACUUM ANALYZE. Returns the portfolio count, the project ids and the
    sizes and step timings."""
    clock = time.perf_counter()
    steps: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = round(now - clock, 2)
        clock = now

    rng = random.Random(SEED)
    start = datetime(2023, 11, 1, 8, 0, tzinfo=UTC)
    folios = portfolio_rows(rng, start - timedelta(days=30))
    # Every project in the first portfolio (USD): the portfolio rollup covers all of them.
    project_list, plans = project_rows(rng, folios[0][0], projects, start)
    money = seed_finance.finance_rows(rng, plans)
    registers = seed_registers.register_rows(rng, plans)
    governance = seed_governance.governance_rows(rng, project_list, money.milestones)
    lap("generate")
    conn = await asyncpg.connect(dsn())
    try:
        async with conn.transaction():
            await conn.copy_records_to_table(
                "portfolios", records=folios, columns=PORTFOLIO_COLUMNS
            )
            await conn.copy_records_to_table(
                "projects", records=project_list, columns=PROJECT_COLUMNS
            )
            await conn.copy_records_to_table(
                "kpi_definitions", records=registers.kpis, columns=seed_registers.KPI_COLUMNS
            )
        await asyncio.gather(
            copy("cost_entries", money.cost_entries, seed_finance.COST_ENTRY_COLUMNS, bulk=True),
            copy("budget_lines", money.budget_lines, seed_finance.BUDGET_LINE_COLUMNS),
            copy("milestones", money.milestones, seed_finance.MILESTONE_COLUMNS),
            copy("progress_records", money.progress, seed_finance.PROGRESS_COLUMNS),
            copy("project_finance", money.finance, seed_finance.FINANCE_COLUMNS),
            copy("risks", registers.risks, seed_registers.RISK_COLUMNS),
            copy(
                "kpi_measurements",
                registers.measurements,
                seed_registers.MEASUREMENT_COLUMNS,
                bulk=True,
            ),
            copy("status_reports", governance.reports, seed_governance.REPORT_COLUMNS),
            copy("action_items", governance.actions, seed_governance.ACTION_COLUMNS),
            copy("audit_events", governance.audit, seed_governance.AUDIT_COLUMNS),
        )
        # Gate reviews name their milestones: after those are in.
        await copy("gate_reviews", governance.gate_reviews, seed_governance.GATE_REVIEW_COLUMNS)
        lap("copy")
        await refresh_aggregates()
        lap("aggregates")
        await conn.execute("VACUUM (ANALYZE)")
        lap("vacuum_analyze")
    finally:
        await conn.close()
    sizes = {
        "portfolios": len(folios),
        "projects": len(project_list),
        "budget_lines": len(money.budget_lines),
        "cost_entries": len(money.cost_entries),
        "milestones": len(money.milestones),
        "progress_records": len(money.progress),
        "risks": len(registers.risks),
        "kpi_definitions_measured": len(registers.kpis),
        "kpi_measurements": len(registers.measurements),
        "status_reports": len(governance.reports),
        "gate_reviews": len(governance.gate_reviews),
        "action_items": len(governance.actions),
        "audit_events": len(governance.audit),
    }
    return len(folios), [row[0] for row in project_list], {"rows": sizes, "steps": steps}


def create_admin_key(role: str = "admin", database: str | None = None) -> str:
    """A fresh API key (admin unless told) for the load (`pmo-api create-api-key`, as an
    operator would)."""
    env = {**os.environ, "PMO_DATABASE_URL": sqlalchemy_url(database)}
    done = subprocess.run(
        [str(PMO_API), "create-api-key", "--role", role, "--name", f"bench {role}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        raise RuntimeError("pmo-api create-api-key failed")
    return done.stdout.strip().splitlines()[-1]


def build(projects: int = 10_000) -> DataSet:
    """The whole data set from scratch; returns what the scenarios need (the project ids)."""
    started = time.perf_counter()
    asyncio.run(recreate_database())
    migrate()
    migrated = time.perf_counter()
    portfolios, ids, details = asyncio.run(fill(projects))
    details["steps"] = {"recreate_migrate": round(migrated - started, 2), **details["steps"]}
    return DataSet(portfolios, len(ids), ids, time.perf_counter() - started, details)


def write_ids(ids: Sequence[uuid.UUID | str], path: Path) -> None:
    """One id per line: what the wrk Lua script picks from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{i}\n" for i in ids))


if __name__ == "__main__":
    data = build()
    print(data.describe())
