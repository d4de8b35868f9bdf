"""The availability of each resource over a range and grain, for `resource.availability`: one
statement per distinct range and grain, whatever the number of resources (the calendar joins
them all). Hours on projects the caller cannot see count, unnamed, as in REST."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.resources import availability
from pmo_api.resources.models import Grain

Key = tuple[uuid.UUID, date, date, Grain]


def availability_by_resource(
    db: Database, principal: Principal
) -> DataLoader[Key, list[availability.Period]]:
    # The principal is not needed: a resource and its booked hours are everyone's to see.
    async def load(keys: Sequence[Key]) -> list[list[availability.Period]]:
        groups: dict[tuple[date, date, Grain], set[uuid.UUID]] = defaultdict(set)
        for resource_id, first, last, grain in keys:
            groups[(first, last, grain)].add(resource_id)
        found: dict[Key, list[availability.Period]] = {}
        async with db.read() as conn:
            for (first, last, grain), ids in groups.items():
                by_resource = await availability.periods(conn, sorted(ids), first, last, grain)
                for resource_id, periods in by_resource.items():
                    found[(resource_id, first, last, grain)] = periods
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
