"""GET /api/v1/audit-events: the audit trail, for administrators, in JSON pages or CSV."""

from __future__ import annotations

from fastapi import APIRouter

from pmo_api.audit import service
from pmo_api.audit.schemas import AuditEventPage, AuditListParams
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile

router = APIRouter(prefix="/api/v1/audit-events", tags=["audit"])

AUDIT_CSV = CsvFile(service.FIELDS, "audit-events.csv")


event_lists = ListRoutes(router, AuditEventPage, service.list_events, service.event_json, AUDIT_CSV)


@event_lists.route("", "audit-events-list")
def list_audit_events(params: AuditListParams) -> service.AuditFilter:
    """Every write, oldest first: who (`actor_key_id`), when, which object, the action, and the
    changed fields before and after (admin keys not limited to portfolios). `from`/`to` bound
    `occurred_at` (inclusive); `updated_since` is the same as `from`."""
    return service.AuditFilter.of(params)
