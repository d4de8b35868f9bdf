"""Records one audit event per write, in the writer's transaction: if the write rolls back, so
does its event. The shared CRUD helpers call it, so no service can forget."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.audit.models import Action, AuditEvent, ObjectType
from pmo_api.core.clock import utcnow
from pmo_api.core.ids import new_id
from pmo_api.core.money import from_minor
from pmo_api.db.base import table_of
from pmo_api.logs import correlation_id_var, request_id_var

events = table_of(AuditEvent)

# Bookkeeping columns that every row has; recording them would only repeat the event itself.
_SKIPPED = frozenset({"id", "created_at", "updated_at", "version", "secret_hash"})


# Each table's rows as the REST API names them (`cost_entries` rows are costs). A table that
# is written through core/crud.py must be named here: a new domain adds its line.
OBJECT_TYPES = {
    "portfolios": ObjectType.portfolio,
    "objectives": ObjectType.objective,
    "projects": ObjectType.project,
    "milestones": ObjectType.milestone,
    "budget_lines": ObjectType.budget_line,
    "cost_entries": ObjectType.cost,
    "progress_records": ObjectType.progress,
    "risks": ObjectType.risk,
    "kpi_definitions": ObjectType.kpi,
    "kpi_measurements": ObjectType.kpi_measurement,
    "status_reports": ObjectType.status_report,
    "api_keys": ObjectType.api_key,
    "resource_roles": ObjectType.resource_role,
    "skills": ObjectType.skill,
    "resources": ObjectType.resource,
    "resource_skills": ObjectType.resource_skill,
    "resource_rates": ObjectType.resource_rate,
    "time_off": ObjectType.time_off,
    "holidays": ObjectType.holiday,
    "allocations": ObjectType.allocation,
    "time_entries": ObjectType.time_entry,
    "certifications": ObjectType.certification,
    "action_items": ObjectType.action_item,
    "decisions": ObjectType.decision,
    "change_requests": ObjectType.change_request,
    "methodology_templates": ObjectType.methodology_template,
    "methodology_template_versions": ObjectType.methodology_template_version,
    "gate_reviews": ObjectType.gate_review,
    "quality_reviews": ObjectType.quality_review,
    "quality_findings": ObjectType.quality_finding,
    "programs": ObjectType.program,
    "dependencies": ObjectType.dependency,
    "raid_issues": ObjectType.issue,
    "assumptions": ObjectType.assumption,
}


def object_type(table: Table) -> ObjectType:
    return OBJECT_TYPES[table.name]


def _jsonable(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    if table.c[name].info.get("money"):
        return from_minor(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return [str(v) if isinstance(v, uuid.UUID) else v for v in value]
    return value


def present(table: Table, values: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        name: _jsonable(table, name, value)
        for name, value in values.items()
        if name not in _SKIPPED and name in table.c
    }


async def record(
    conn: AsyncConnection,
    *,
    actor: Principal,
    action: str,
    table: Table,
    object_id: uuid.UUID,
    before: Mapping[Any, Any] | None,
    after: Mapping[Any, Any] | None,
) -> None:
    await conn.execute(
        insert(events).values(
            id=new_id(),
            occurred_at=utcnow(),
            actor_key_id=actor.key_id,
            actor_name=actor.name,
            actor_subject=actor.subject,
            actor_email=actor.email,
            action=Action(action).value,
            object_type=object_type(table).value,
            object_id=object_id,
            before=None if before is None else present(table, before),
            after=None if after is None else present(table, after),
            request_id=request_id_var.get(),
            correlation_id=correlation_id_var.get(),
        )
    )
