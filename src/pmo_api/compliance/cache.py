"""Projects' compliance already judged, per project and date (an LRU), as evm/cache.py keeps
the rows of portfolio rollups.

A project's compliance is a pure function of its row of the compliance statement (and, for
the template rule, of the milestones its fetch read), so it is judged again only when they
change: a dashboard asking for the same portfolio again pays for the SQL, not for judging and
encoding 10,000 projects. Invalidation is by comparison: each entry keeps the values it was
judged from, and different values replace it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import orjson

from pmo_api.compliance.models import Result
from pmo_api.core.responses import dumps


class Judgement(NamedTuple):
    """One project's compliance: its body as JSON, each rule's result (in Rule order) and the
    share of the applicable rules met."""

    json: bytes
    results: tuple[Result, ...]
    share: float | None

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = orjson.loads(self.json)
        return body


def judgement(body: dict[str, Any]) -> Judgement:
    # A copy of the exact length: orjson's bytes keep the capacity of its write buffer.
    json = bytes(memoryview(dumps(body)))
    return Judgement(json, tuple(r["result"] for r in body["rules"]), body["share_met"])


class Judgements:
    """The judgements made: per project and date, the one of the latest values seen (an LRU
    of `size` entries, ~2 kB each with the values they are checked against)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, Any], tuple[tuple[Any, ...], Judgement]]
        self._kept = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()

    def __call__(
        self, row: Any, more: Sequence[Any], judge: Callable[[], dict[str, Any]]
    ) -> Judgement:
        """The judgement of `row` (with `more`, what else it depends on), `judge()` when the
        values differ from those of the kept one."""
        key = (row.project_id, row.as_of)
        # Compared as a plain tuple: named rows compare several times slower.
        values = (*tuple(row), *more)
        kept = self._kept.get(key)
        if kept is not None and kept[0] == values:
            self._kept.move_to_end(key)
            return kept[1]
        found = judgement(judge())
        self._kept[key] = (values, found)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return found


# Two portfolios of 10,000 projects (or one at two dates), in ~40 MB.
JUDGEMENTS = Judgements(20_000)
