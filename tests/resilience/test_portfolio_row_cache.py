"""What the soak (`make loadtest`, bench/loadtest.py) found, kept from coming back.

- The portfolio rollup's cache of project rows (evm/cache.project_row, an LRU of
  20,000 entries) kept each row's JSON as orjson returned it: a bytes object that keeps the
  capacity of orjson's write buffer, ~8 kB for a row of ~400 bytes; and it was keyed by the
  project's inputs, so every write to a project added an entry at the next rollup, the stale
  ones staying until the cache was full. The server's memory rose with every write (+19% in 10
  minutes at 40 requests a second; then, rows at their size, +11% at 80), towards ~200 MB.
"""

from __future__ import annotations

import tracemalloc
import uuid
from datetime import date
from typing import Any

from pmo_api.evm import cache as earned_value
from pmo_api.evm import inputs
from pmo_api.evm.service import PORTFOLIO_INPUTS

ROWS = 500


def _inputs_row(n: int) -> inputs.InputsRow:
    """A row of inputs.inputs for a project half-way through 100 planned days."""
    values: dict[str, Any] = dict.fromkeys(inputs.INPUT_COLUMNS, 0)
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
    return PORTFOLIO_INPUTS.rows.make(**values)


def test_a_cached_portfolio_row_costs_its_own_size_not_a_json_buffer() -> None:
    rows = [_inputs_row(n) for n in range(ROWS)]
    earned_value.PROJECT_ROWS.clear()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [earned_value.project_row(row) for row in rows]
        per_row = (tracemalloc.get_traced_memory()[0] - before) / ROWS
    finally:
        tracemalloc.stop()
        earned_value.PROJECT_ROWS.clear()
    assert len(kept[0].json) < 600, kept[0].json
    # The row's JSON, figures and cache entry; the inputs tuple it keeps is the caller's.
    assert per_row < 1500, f"{per_row:.0f} bytes kept per cached row"


def test_a_project_whose_inputs_change_replaces_its_cached_row() -> None:
    earned_value.PROJECT_ROWS.clear()
    try:
        for cost in range(100):  # a cost recorded a hundred times, the rollup read after each
            row = _inputs_row(7)
            shown = earned_value.project_row(row._replace(ac=row.ac + cost))
            assert shown.ac == 400_007 + cost
        assert len(earned_value.PROJECT_ROWS) == 1
        for n in range(3):  # another as-of date is another row
            row = _inputs_row(7)
            earned_value.project_row(row._replace(as_of=date(2026, 10, 1 + n)))
        assert len(earned_value.PROJECT_ROWS) == 4
        first = earned_value.project_row(_inputs_row(8))
        assert earned_value.project_row(_inputs_row(8)) is first  # found again, not recomputed
    finally:
        earned_value.PROJECT_ROWS.clear()


def test_the_row_cache_is_bounded() -> None:
    rows = earned_value.ProjectRows(10)
    for n in range(25):
        rows(_inputs_row(n))
    assert len(rows) == 10
