"""Reading the audit trail (audit/recorder.py writes it): for admin keys not limited to
portfolios, since it spans them all."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.audit.recorder import events
from pmo_api.audit.schemas import AuditListParams
from pmo_api.core.listing import Listing, check_text, filter_of, query_timestamp
from pmo_api.core.pagination import SortField, parse_sort

FIELDS = (
    "id",
    "occurred_at",
    "actor_key_id",
    "actor_name",
    "actor_subject",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "correlation_id",
)
SORTS = {
    "id": SortField("id", events.c.id, "uuid"),
    "occurred_at": SortField("occurred_at", events.c.occurred_at, "datetime"),
}


def event_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in FIELDS}


@dataclass(frozen=True)
class AuditFilter:
    """Several values of one filter are an OR; `from_`/`to` bound `occurred_at` (inclusive), as
    `updated_since` does from below. Timestamps as given (checked after the caller's role)."""

    object_type: tuple[str, ...] = ()
    object_id: tuple[uuid.UUID, ...] = ()
    actor_key_id: tuple[str, ...] = ()
    action: tuple[str, ...] = ()
    from_: datetime | None = None
    to: datetime | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: AuditListParams) -> AuditFilter:
        """From the query, its timestamps as given (checked after the caller's role)."""
        return filter_of(cls, params, updated_since=params.updated_since)


async def list_events(
    conn: AsyncConnection, principal: Principal, filter: AuditFilter, *, sort: str | None = None
) -> Listing:
    """The audit events that match `filter`, in `sort` order (default: oldest first)."""
    principal.require_unlimited(
        Role.admin, "the audit trail spans every portfolio: it needs an unlimited admin key"
    )
    updated_since = query_timestamp(filter.updated_since, "updated_since")
    for name in ("object_type", "actor_key_id", "action"):
        check_text(name, getattr(filter, name))
    bounds = (query_timestamp(filter.from_, "from"), updated_since)
    since = max((t for t in bounds if t is not None), default=None)
    until = query_timestamp(filter.to, "to")
    stmt: Select[Any] = select(events)
    for column, values in (
        (events.c.object_type, filter.object_type),
        (events.c.object_id, filter.object_id),
        (events.c.actor_key_id, filter.actor_key_id),
        (events.c.action, filter.action),
    ):
        if values:
            stmt = stmt.where(column.in_(values))
    if since is not None:
        stmt = stmt.where(events.c.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(events.c.occurred_at <= until)
    return Listing(stmt, parse_sort(sort, SORTS, "occurred_at"))
