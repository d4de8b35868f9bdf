"""Earned value of projects as of dates, for `project.evm(asOf)` and `project.evmSeries`:
evm/service.points computes many projects at many dates in two statements, so a batch
costs two statements per group of projects that ask for the same dates (one group when every
project asks for the same dates, as `evm(asOf)` does)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from strawberry.dataloader import DataLoader

from pmo_api.core.errors import NotFound
from pmo_api.db.database import Database
from pmo_api.evm import service as earned_value


@dataclass(frozen=True)
class EvmKey:
    """A project (with the plan dates its earned schedule needs) and the date `t`."""

    project_id: uuid.UUID
    start_date: date | None
    finish_date: date | None
    as_of: date


def _groups(keys: Sequence[EvmKey]) -> list[tuple[list[uuid.UUID], list[date]]]:
    """(projects, dates) pairs whose cross products cover the keys. All projects at all dates
    when that computes at most twice the points asked for (one call); else the dates grouped by
    the set of projects asking for each (no point computed in vain)."""
    wanted = {(k.project_id, k.as_of) for k in keys}
    project_ids = sorted({k.project_id for k in keys})
    dates = sorted({k.as_of for k in keys})
    if len(project_ids) * len(dates) <= 2 * len(wanted):
        return [(project_ids, dates)]
    askers: dict[date, set[uuid.UUID]] = defaultdict(set)
    for project_id, t in wanted:
        askers[t].add(project_id)
    by_projects: dict[frozenset[uuid.UUID], list[date]] = defaultdict(list)
    for t in dates:
        by_projects[frozenset(askers[t])].append(t)
    return [(sorted(ids), ts) for ids, ts in by_projects.items()]


def evm_points(db: Database) -> DataLoader[EvmKey, dict[str, Any]]:
    async def load(keys: Sequence[EvmKey]) -> list[dict[str, Any] | BaseException]:
        plans = {
            k.project_id: {
                "id": k.project_id,
                "start_date": k.start_date,
                "finish_date": k.finish_date,
            }
            for k in keys
        }
        found: dict[tuple[uuid.UUID, date], dict[str, Any]] = {}
        async with db.read() as conn:
            for project_ids, dates in _groups(keys):
                series = await earned_value.points(conn, [plans[i] for i in project_ids], dates)
                for project_id, points in series.items():
                    for point in points:
                        found[(project_id, point["as_of"])] = point
        out: list[dict[str, Any] | BaseException] = []
        for key in keys:
            answer = found.get((key.project_id, key.as_of))
            # Missing only when the project was deleted since it was read.
            gone = NotFound(f"project {key.project_id} does not exist")
            out.append(gone if answer is None else answer)
        return out

    return DataLoader(load_fn=load)
