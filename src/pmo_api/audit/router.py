"""GET /api/v1/audit-events: the audit trail, for administrators, in JSON pages or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.audit import service
from pmo_api.audit.schemas import AuditEventPage, AuditListParams
from pmo_api.core.http import DB
from pmo_api.core.routes import READ_CSV, CsvFile, listing_response

router = APIRouter(prefix="/api/v1/audit-events", tags=["audit"])

AUDIT_CSV = CsvFile(service.FIELDS, "audit-events.csv")


@router.get("", operation_id="audit-events-list", response_model=AuditEventPage, responses=READ_CSV)
async def list_audit_events(
    request: Request,
    caller: Caller,
    db: DB,
    params: Annotated[AuditListParams, Query()],
) -> Response:
    """Every write, oldest first: who (`actor_key_id`), when, which object, the action, and the
    changed fields before and after (admin keys not limited to portfolios). `from`/`to` bound
    `occurred_at` (inclusive); `updated_since` is the same as `from`."""
    wanted = service.AuditFilter(
        object_type=tuple(params.object_type),
        object_id=tuple(params.object_id),
        actor_key_id=tuple(params.actor_key_id),
        action=tuple(params.action),
        from_=params.from_,
        to=params.to,
        updated_since=params.updated_since,
    )
    async with db.read() as conn:
        listing = await service.list_events(conn, caller, wanted, sort=params.sort)
    return await listing_response(request, db, listing, params, service.event_json, AUDIT_CSV)
