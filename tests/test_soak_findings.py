"""What the soak (`make loadtest`, bench/loadtest.py) found, kept from coming back.

- The portfolio rollup's cache of project rows (finance/earned_value.project_row, an LRU of
  20,000 entries) kept each row's JSON as orjson returned it: a bytes object that keeps the
  capacity of orjson's write buffer, ~8 kB for a row of ~400 bytes. Every write to a project
  made a new entry at the next rollup, so the server's memory rose steadily under load (+19% in
  10 minutes) towards ~160 MB for a full cache instead of the ~30 MB it was sized for.
"""

from __future__ import annotations

import tracemalloc
import uuid
from datetime import date
from typing import Any

from pmo_api.finance import earned_value, engine

ROWS = 500


def _inputs_row(n: int) -> tuple[Any, ...]:
    """A row of engine.inputs for a project half-way through 100 planned days."""
    values: dict[str, Any] = dict.fromkeys(engine.INPUT_COLUMNS, 0)
    values.update(
        id=uuid.UUID(int=n + 1),
        code=f"PRJ-{n:05d}",
        name=f"Unified Billing Platform {n}",
        status="active",
        portfolio_id=uuid.UUID(int=1),
        as_of=date(2026, 11, 22),
        bac=1_000_000 + n,
        ev_method="milestones",
        start_date=date(2026, 9, 1),
        finish_date=date(2026, 12, 9),
        elapsed=50,
        duration=100,
        ac=400_000 + n,
        percent=None,
    )
    return tuple(values[c] for c in engine.INPUT_COLUMNS)


def test_a_cached_portfolio_row_costs_its_own_size_not_a_json_buffer() -> None:
    rows = [_inputs_row(n) for n in range(ROWS)]
    earned_value.project_row.cache_clear()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [earned_value.project_row(row) for row in rows]
        per_row = (tracemalloc.get_traced_memory()[0] - before) / ROWS
    finally:
        tracemalloc.stop()
        earned_value.project_row.cache_clear()
    assert len(kept[0].json) < 600, kept[0].json
    # The row's JSON, figures and cache node; the inputs tuple it is keyed by is the caller's.
    assert per_row < 1500, f"{per_row:.0f} bytes kept per cached row"
