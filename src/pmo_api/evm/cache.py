"""The rows of portfolio rollups already computed, per project and as-of date (an LRU).

A row is a pure function of the project's SQL inputs (evm/inputs.py), so it is recomputed only
when they change: a dashboard asking for the same portfolio again recomputes only the projects
whose inputs changed since (new costs, another as-of date...). Invalidation is by comparison:
each entry keeps the inputs it was computed from, and a different inputs row replaces it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

import orjson

from pmo_api.core.responses import dumps
from pmo_api.evm import formulas, inputs


class ProjectRow(NamedTuple):
    """One project's row of a portfolio rollup, as JSON, and the cents the rollup sums."""

    json: bytes
    bac: int
    pv: int
    ev: int
    ac: int
    cpi: float | None
    spi: float | None

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = orjson.loads(self.json)
        return body


def _project_row(inputs_row: inputs.InputsRow) -> ProjectRow:
    given = inputs.inputs_of(inputs_row)
    figures = formulas.figures(bac=given.bac, pv=given.pv, ev=given.ev, ac=given.ac)
    body = {
        "project_id": inputs_row.id,
        "code": inputs_row.code,
        "name": inputs_row.name,
        "status": inputs_row.status,
        **figures,
    }
    pv, ev = round(figures["pv"] * 100), round(figures["ev"] * 100)  # type: ignore[operator]
    # orjson's bytes keep the capacity of its write buffer (~8 kB for any small document): the
    # cache keeps a copy of the exact length (~400 bytes) instead.
    json = bytes(memoryview(dumps(body)))
    return ProjectRow(json, given.bac, pv, ev, given.ac, figures["cpi"], figures["spi"])


class ProjectRows:
    """The rows already computed: per project and as-of date, the row of the latest inputs seen
    (an LRU of `size` entries, ~2 kB each with the inputs they are checked against).

    Keyed by the project, not by its inputs: a project whose costs or milestones change replaces
    its row rather than adding one, so memory follows the projects shown, not the writes made
    since the process started. (A cache keyed by the inputs kept a stale row for every past
    version of every project until full: the 10-minute soak of `make loadtest` showed it as the
    server's memory rising with every write.)"""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[Any, Any], tuple[tuple[Any, ...], ProjectRow]]
        self._rows = OrderedDict()

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        self._rows.clear()

    def __call__(self, inputs_row: inputs.InputsRow) -> ProjectRow:
        key = (inputs_row.id, inputs_row.as_of)
        # Compared as a plain tuple: the driver's named rows (db/hotpath.py) compare ten times
        # slower than tuples of the same values.
        values = tuple(inputs_row)
        kept = self._rows.get(key)
        if kept is not None and kept[0] == values:
            self._rows.move_to_end(key)
            return kept[1]
        row = _project_row(inputs_row)
        self._rows[key] = (values, row)
        self._rows.move_to_end(key)
        while len(self._rows) > self.size:
            self._rows.popitem(last=False)
        return row


# Two portfolio rollups of 10,000 projects (two as-of dates), in ~40 MB.
PROJECT_ROWS = ProjectRows(20_000)


def project_row(inputs_row: inputs.InputsRow) -> ProjectRow:
    """The row of one project from its SQL inputs. A pure function of them, so it is kept
    (PROJECT_ROWS): a dashboard asking for the same portfolio again recomputes only the
    projects whose inputs changed since (new costs, another as-of date...). Computing the
    figures and JSON of 10,000 projects costs ~100 ms of Python; finding them again, ~5."""
    return PROJECT_ROWS(inputs_row)
