"""The dependency bench's database (issue 16): 10,000 projects of 10 milestones (100,000) and
50,000 dependencies, built by SQL in PostgreSQL (generate_series), in its own database
(`pmo_bench_deps`).

The graph: 5,556 chains of 10 milestones (the last chain cut so that there are exactly 50,000
dependencies), chain c's k-th milestone the k-th milestone (slot) of project (c + 1111 k) mod
10,000, so every chain crosses ten projects and no two chains share a milestone. Slot k is due
on 2027-01-01 + 10 k days; the dependency types cycle with c (finish-to-start, start-to-start,
finish-to-finish) and the lags run from -1 to 3 days. One chain in ten has its first milestone
forecast 40 days late and one in ten a middle milestone 25 days late: those slips propagate
several hops down their chains, the rest of the graph is on time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg

import seed

DATABASE = "pmo_bench_deps"
PROJECTS = 10_000
SLOTS = 10
DEPENDENCIES = 50_000
CHAINS = -(-DEPENDENCIES // (SLOTS - 1))

# Ids are deterministic (md5 of a name, as uuid): a project's and a milestone's id from its number.
_FILL = f"""
INSERT INTO portfolios (id, name, currency, created_at, updated_at, version)
VALUES (md5('bench-deps-portfolio')::uuid, 'Dependencies', 'USD', now(), now(), 1);

INSERT INTO projects (id, code, portfolio_id, name, objectives, deliverables, constraints,
                      priority, status, budget, ev_method, tags, created_at, updated_at, version)
SELECT md5('p' || p)::uuid, 'DEP-' || lpad(p::text, 5, '0'), md5('bench-deps-portfolio')::uuid,
       'Project ' || p, '[]', '[]', '[]', 3, 'active', 0, 'milestones', '[]',
       now() - (p || ' seconds')::interval, now(), 1
FROM generate_series(0, {PROJECTS - 1}) AS p;

INSERT INTO milestones (id, project_id, name, due_date, weight_milli, is_gate,
                        created_at, updated_at, version)
SELECT md5('m' || p || '-' || k)::uuid, md5('p' || p)::uuid, 'Milestone ' || k,
       DATE '2027-01-01' + 10 * k, 1000, false, now(), now(), 1
FROM generate_series(0, {PROJECTS - 1}) AS p, generate_series(0, {SLOTS - 1}) AS k;

INSERT INTO dependencies (id, predecessor_id, successor_id, type, lag_days, hard,
                          created_at, updated_at, version)
SELECT md5('d' || c || '-' || k)::uuid,
       md5('m' || ((c + 1111 * k) % {PROJECTS}) || '-' || k)::uuid,
       md5('m' || ((c + 1111 * (k + 1)) % {PROJECTS}) || '-' || (k + 1))::uuid,
       (ARRAY['finish_to_start', 'start_to_start', 'finish_to_finish'])[c % 3 + 1],
       c % 5 - 1, c % 4 <> 0, now() - ((c * 10 + k) || ' seconds')::interval, now(), 1
FROM generate_series(0, {CHAINS - 1}) AS c, generate_series(0, {SLOTS - 2}) AS k
ORDER BY c, k
LIMIT {DEPENDENCIES};

UPDATE milestones m SET forecast_date = m.due_date + 40
FROM generate_series(0, {CHAINS - 1}, 10) AS c
WHERE m.id = md5('m' || (c % {PROJECTS}) || '-0')::uuid;

UPDATE milestones m SET forecast_date = m.due_date + 25
FROM generate_series(5, {CHAINS - 1}, 10) AS c
WHERE m.id = md5('m' || ((c + 1111 * 4) % {PROJECTS}) || '-4')::uuid;
"""


@dataclass(frozen=True)
class DependencyData:
    database: str
    seconds: float
    rows: dict[str, int]

    def describe(self) -> str:
        rows = ", ".join(f"{k} {v:,}" for k, v in self.rows.items())
        return f"{rows} in {self.seconds:.1f} s"


async def _fill() -> dict[str, int]:
    conn = await asyncpg.connect(seed.dsn(DATABASE))
    try:
        async with conn.transaction():
            await conn.execute(_FILL)
        await conn.execute("VACUUM ANALYZE")
        rows = {}
        for table in ("projects", "milestones", "dependencies"):
            rows[table] = int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
        return rows
    finally:
        await conn.close()


async def _kept_flags() -> None:
    """project_finance rows and the kept at-risk counts, as the app keeps them."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from pmo_api.dependencies import at_risk
    from pmo_api.evm import aggregates

    engine = create_async_engine(seed.sqlalchemy_url(DATABASE))
    try:
        async with engine.begin() as conn:
            await aggregates.refresh(conn, None)
            await at_risk.refresh_flags(conn, [])
    finally:
        await engine.dispose()


def build() -> DependencyData:
    started = time.perf_counter()
    asyncio.run(seed.recreate_database(DATABASE))
    seed.migrate(DATABASE)
    rows = asyncio.run(_fill())
    asyncio.run(_kept_flags())
    return DependencyData(DATABASE, time.perf_counter() - started, rows)
