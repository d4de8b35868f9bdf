"""The dependency scenario (issue 16), on the database of bench/seed_dependencies.py:

`dependencies-at-risk`: GET /api/v1/dependencies?at_risk=true&limit=500 (the first page of the
at-risk list across all 10,000 projects, as an unlimited admin sees it: ends, chains, hidden
masking, pushed dates) against a **plain recursive SQL walk of the same graph** through asyncpg:
every path of the 50,000 dependencies walked with its propagated date, no pruning, no scope, no
paging, keeping the dependencies whose successor ends up pushed past its planned date. Both run
alternately (ABBA) on the same database in the same run; judged on p50(endpoint) / p50(plain)
<= 3. The endpoint runs in this process over the real ASGI app (httpx), so the figure holds
the app's whole stack but the network.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager

import seed
import seed_dependencies
from evm_bench import figure, stats_ms

NAME = "dependencies-at-risk"
RATIO_LIMIT = 3.0
SAMPLES = 15
WARMUPS = 3

PLAIN_WALK = """
WITH RECURSIVE walk(dep, milestone, required, depth) AS (
    SELECT d.id, d.successor_id,
           (COALESCE(p.completed_on, p.forecast_date, p.due_date) - DATE '0001-01-01' + 1)
             + d.lag_days + CASE WHEN d.type = 'finish_to_start' THEN 1 ELSE 0 END,
           1
    FROM dependencies d JOIN milestones p ON p.id = d.predecessor_id
  UNION ALL
    SELECT d.id, d.successor_id,
           GREATEST(w.required, COALESCE(s.forecast_date, s.due_date) - DATE '0001-01-01' + 1)
             + d.lag_days + CASE WHEN d.type = 'finish_to_start' THEN 1 ELSE 0 END,
           w.depth + 1
    FROM walk w
    JOIN milestones s ON s.id = w.milestone
    JOIN dependencies d ON d.predecessor_id = w.milestone
    WHERE s.completed_on IS NULL AND w.depth < 200
)
SELECT w.dep, max(w.required) AS pushed_to
FROM walk w JOIN milestones s ON s.id = w.milestone
WHERE s.completed_on IS NULL
  AND w.required > COALESCE(s.forecast_date, s.due_date) - DATE '0001-01-01' + 1
GROUP BY w.dep
"""


async def _run(samples: int) -> dict[str, Any]:
    from pmo_api.app import create_app
    from pmo_api.settings import Settings

    key = seed.create_admin_key(database=seed_dependencies.DATABASE)
    settings = Settings(
        database_url=seed.sqlalchemy_url(seed_dependencies.DATABASE),
        rate_limit_per_minute=0,
        access_log=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    plain_conn = await asyncpg.connect(seed.dsn(seed_dependencies.DATABASE))
    ours: list[float] = []
    plain: list[float] = []
    errors = 0
    listed = plain_rows = 0
    try:
        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app)
            headers = {"Authorization": f"Bearer {key}"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench", headers=headers, timeout=120
            ) as client:

                async def endpoint() -> float:
                    nonlocal errors, listed
                    began = time.perf_counter()
                    response = await client.get(
                        "/api/v1/dependencies", params={"at_risk": "true", "limit": 500}
                    )
                    took = time.perf_counter() - began
                    if response.status_code != 200:
                        errors += 1
                    else:
                        listed = len(response.json()["data"])
                    return took

                async def walk() -> float:
                    nonlocal plain_rows
                    began = time.perf_counter()
                    rows = await plain_conn.fetch(PLAIN_WALK)
                    plain_rows = len(rows)
                    return time.perf_counter() - began

                for _ in range(WARMUPS):
                    await endpoint()
                    await walk()
                for i in range(samples):  # ABBA
                    if i % 2 == 0:
                        ours.append(await endpoint())
                        plain.append(await walk())
                    else:
                        plain.append(await walk())
                        ours.append(await endpoint())
    finally:
        await plain_conn.close()
    return {
        "ours": stats_ms(ours),
        "plain": stats_ms(plain),
        "errors": errors,
        "page_rows": listed,
        "plain_rows": plain_rows,
    }


def run(samples: int = SAMPLES, *, reuse: bool = False) -> list[dict[str, Any]]:
    """Seed (unless `reuse`), measure, and the figures (evm_bench.figure dicts)."""
    found: list[dict[str, Any]] = []
    if not reuse:
        data = seed_dependencies.build()
        print(f"data: {data.database} rebuilt: {data.describe()}", flush=True)
        found.append(
            figure(
                "seed-dependencies",
                "seed of the dependencies database (issue 16)",
                round(data.seconds, 1),
                300,
                "<=",
                "s",
                judged=False,
            )
        )
    measured = asyncio.run(_run(samples))
    ratio = measured["ours"]["p50_ms"] / measured["plain"]["p50_ms"]
    print(
        f"{NAME}: endpoint p50 {measured['ours']['p50_ms']} ms (first page: "
        f"{measured['page_rows']} rows), plain recursive walk p50 "
        f"{measured['plain']['p50_ms']} ms ({measured['plain_rows']} at-risk dependencies), "
        f"ratio {ratio:.2f} (limit {RATIO_LIMIT})",
        flush=True,
    )
    found.append(
        figure(
            NAME,
            "at-risk dependency list / plain recursive SQL walk (p50)",
            round(ratio, 3),
            RATIO_LIMIT,
            "<=",
            "x",
            errors=measured["errors"],
            **{k: v for k, v in measured.items() if k != "errors"},
        )
    )
    return found


if __name__ == "__main__":
    import sys

    run(reuse="--reuse-db" in sys.argv)
