"""GET /api/v1/audit-events: the audit trail, for administrators, in JSON pages or CSV."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal, Role
from pmo_api.audit.recorder import events
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import CSV_OK, DB, READ_ERRORS, problems
from pmo_api.core.listing import (
    ListParams,
    check_text,
    fetch_page,
    many,
    page_response,
    query_timestamp,
    stream_rows,
)
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.db.database import Database

router = APIRouter(prefix="/api/v1/audit-events", tags=["audit"])

_FIELDS = (
    "id",
    "occurred_at",
    "actor_key_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
)
SORTS = {
    "id": SortField("id", events.c.id, "uuid"),
    "occurred_at": SortField("occurred_at", events.c.occurred_at, "datetime"),
}


class AuditListParams(ListParams):
    object_type: list[str] = many()
    object_id: list[uuid.UUID] = many()
    actor_key_id: list[str] = many()
    action: list[str] = many()
    from_: datetime | None = Field(
        default=None, alias="from", description="Events at or after this timestamp."
    )
    to: datetime | None = Field(default=None, description="Events at or before this timestamp.")


class AuditEventOut(BaseModel):
    id: uuid.UUID
    occurred_at: datetime
    actor_key_id: str
    actor_name: str | None
    action: str
    object_type: str
    object_id: uuid.UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


class AuditEventPage(BaseModel):
    data: list[AuditEventOut]
    next_cursor: str | None


def _event_json(row: RowMapping) -> dict[str, Any]:
    return {name: row[name] for name in _FIELDS}


def _require_auditor(principal: Principal) -> None:
    principal.require_unlimited(
        Role.admin, "the audit trail spans every portfolio: it needs an unlimited admin key"
    )


@router.get(
    "",
    operation_id="audit-events-list",
    response_model=AuditEventPage,
    responses={**problems(*READ_ERRORS), **CSV_OK},
)
async def list_audit_events(
    request: Request,
    caller: Caller,
    db: DB,
    params: Annotated[AuditListParams, Query()],
) -> Response:
    """Every write, oldest first: who (`actor_key_id`), when, which object, the action, and the
    changed fields before and after (admin keys not limited to portfolios). `from`/`to` bound
    `occurred_at` (inclusive); `updated_since` is the same as `from`."""
    _require_auditor(caller)
    query = params.list_query()
    stmt: Select[Any] = select(events)
    for name in ("object_type", "actor_key_id", "action"):
        check_text(name, getattr(params, name))
    filters: tuple[tuple[Any, list[Any]], ...] = (
        (events.c.object_type, params.object_type),
        (events.c.object_id, params.object_id),
        (events.c.actor_key_id, params.actor_key_id),
        (events.c.action, params.action),
    )
    for column, values in filters:
        if values:
            stmt = stmt.where(column.in_(values))
    since = max(
        filter(None, (query_timestamp(params.from_, "from"), query.updated_since)), default=None
    )
    if since is not None:
        stmt = stmt.where(events.c.occurred_at >= since)
    until = query_timestamp(params.to, "to")
    if until is not None:
        stmt = stmt.where(events.c.occurred_at <= until)
    sort = parse_sort(query.sort, SORTS, "occurred_at")
    if wants_csv(request):
        return csv_response(
            _FIELDS, _csv_rows(db, stmt, sort), filename="audit-events.csv", to_cells=_cells
        )
    async with db.read() as conn:
        rows, next_cursor = await fetch_page(conn, stmt, sort, query)
    return page_response(request, [_event_json(r) for r in rows], next_cursor)


async def _csv_rows(db: Database, stmt: Select[Any], sort: Sort) -> AsyncIterator[RowMapping]:
    async with db.snapshot() as conn:
        async for row in stream_rows(conn, stmt, sort):
            yield row


def _cells(row: RowMapping) -> list[Any]:
    cells = []
    for name in _FIELDS:
        value = row[name]
        cells.append(
            orjson.dumps(value).decode() if name in ("before", "after") and value else flat(value)
        )
    return cells
