"""Projects' compliance already judged, per project and date (an LRU), as evm/cache.py keeps
the rows of portfolio rollups.

A project's compliance at a date is a pure function of the rows it is judged from, so it is
judged again only when they change. Each entry keeps the values it was judged from: the
project's own fields, its compliance stamp's token (compliance/stamps.py: replaced by every
write to the other rows), the settings the rules read and the template rule's result; a
request reads those (one narrow statement, compliance/service.py) and computes the rules only
for the projects whose values differ. A dashboard asking for the same portfolio again pays for
reading 10,000 tokens, not for the rules' SQL, judging and encoding.
"""

from __future__ import annotations

from collections import OrderedDict
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

    def get(self, key: tuple[Any, Any], values: tuple[Any, ...]) -> Judgement | None:
        """The judgement kept for `key` (project, date) if it was made from `values`."""
        kept = self._kept.get(key)
        if kept is None or kept[0] != values:
            return None
        self._kept.move_to_end(key)
        return kept[1]

    def keep(self, key: tuple[Any, Any], values: tuple[Any, ...], found: Judgement) -> None:
        self._kept[key] = (values, found)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


# Two portfolios of 10,000 projects (or one at two dates), in ~40 MB.
JUDGEMENTS = Judgements(20_000)
