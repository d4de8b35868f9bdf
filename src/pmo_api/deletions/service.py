"""The deletions feed: what an incremental pull needs to drop the rows it holds that were
deleted, archived or moved out of the caller's scope since its last pull."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.deletions import repository as repo
from pmo_api.deletions.schemas import DeletionFeedParams


@dataclass(frozen=True)
class DeletionFilter:
    """The feed's filters; several values of one are an OR."""

    object_type: tuple[str, ...] = ()
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()  # ids or codes
    q: str | None = None
    updated_since: datetime | None = None  # deleted at or after

    @classmethod
    def of(cls, params: DeletionFeedParams) -> DeletionFilter:
        return filter_of(cls, params)


async def list_deletions(
    conn: AsyncConnection, principal: Principal, filter: DeletionFilter, *, sort: str | None = None
) -> Listing:
    """The tombstones the caller may see that match `filter`, oldest first by default."""
    del conn  # nothing to resolve first: a deleted project cannot be looked up
    stmt = repo.filtered(repo.readable(principal), **narrowing(filter))
    return Listing(stmt, repo.sort_of(sort))


def deletion_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in repo.FIELDS}
