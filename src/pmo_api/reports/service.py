"""Rules for status reports: drafts change freely; `publish` freezes a snapshot of the
project's earned value and KPI values as of `period_end`, after which the report is immutable
(409), so later data never changes what was reported."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import utcnow
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.pagination import SortField
from pmo_api.core.responses import dumps
from pmo_api.db.base import table_of
from pmo_api.evm import service as earned_value
from pmo_api.kpis.service import project_kpis
from pmo_api.projects import repository as project_repo
from pmo_api.projects.service import locked_child, visible_project
from pmo_api.reports.models import StatusReport
from pmo_api.reports.schemas import ReportCreate, ReportPatch
from pmo_api.settings import Settings

reports = table_of(StatusReport)
SORTS = {
    "id": SortField("id", reports.c.id, "uuid"),
    "period_end": SortField("period_end", reports.c.period_end, "date"),
    "created_at": SortField("created_at", reports.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", reports.c.updated_at, "datetime"),
}
API_FIELDS = (
    "id",
    "project_id",
    "period_end",
    "overall",
    "schedule",
    "cost",
    "scope",
    "summary",
    "accomplishments",
    "issues",
    "next_steps",
    "recommendations",
    "state",
    "snapshot",
    "published_at",
    "created_at",
    "updated_at",
    "version",
)


def report_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in API_FIELDS}


def visible_reports(principal: Principal) -> Any:
    projects = project_repo.projects
    return (
        select(reports)
        .join(projects, projects.c.id == reports.c.project_id)
        .where(
            projects.c.archived_at.is_(None),
            principal.portfolio_filter(projects.c.portfolio_id),
        )
    )


async def visible_report(
    conn: AsyncConnection, principal: Principal, report_id: uuid.UUID
) -> RowMapping:
    stmt = visible_reports(principal).where(reports.c.id == report_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"status report {report_id} does not exist")
    return row


async def create_report(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: ReportCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = {"project_id": project["id"], "state": "draft", **data.model_dump()}
    new = await insert_row(conn, reports, values, actor=principal)
    return await visible_report(conn, principal, new)


async def _locked_draft(
    conn: AsyncConnection, principal: Principal, report_id: uuid.UUID, precondition: Precondition
) -> RowMapping:
    current = await locked_child(conn, principal, report_id, visible_report)
    precondition.check(current["version"])
    if current["state"] == "published":
        raise Conflict("a published status report is immutable; write a new one")
    return current


async def update_report(
    conn: AsyncConnection,
    *,
    principal: Principal,
    report_id: uuid.UUID,
    patch: ReportPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await _locked_draft(conn, principal, report_id, precondition)
    changes = {k: v for k, v in patch.changes().items() if v != current[k]}
    if changes:
        await update_row(conn, reports, current, changes, actor=principal)
    return await visible_report(conn, principal, report_id)


async def delete_report(
    conn: AsyncConnection,
    *,
    principal: Principal,
    report_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    principal.require(Role.editor)
    current = await _locked_draft(conn, principal, report_id, precondition)
    await delete_row(conn, reports, current, actor=principal)


async def publish_report(
    conn: AsyncConnection,
    *,
    principal: Principal,
    report_id: uuid.UUID,
    precondition: Precondition,
    settings: Settings,
) -> RowMapping:
    """Freeze the snapshot as of period_end and publish, in the writer's transaction."""
    principal.require(Role.editor)
    current = await _locked_draft(conn, principal, report_id, precondition)
    project = await visible_project(conn, principal, current["project_id"])
    as_of = current["period_end"]
    (point,) = (await earned_value.points(conn, [project], [as_of]))[project["id"]]
    kpis = await project_kpis(conn, principal, str(project["id"]), as_of, settings)
    # Stored as the API shows it (dates as text, money as amounts): frozen exactly as served.
    snapshot = {
        "as_of": as_of,
        "evm": earned_value.evm_body(project, point),
        "kpis": kpis["data"],
    }
    changes = {
        "state": "published",
        "published_at": utcnow(),
        "snapshot": _as_json(snapshot),
    }
    await update_row(conn, reports, current, changes, actor=principal, action="publish")
    return await visible_report(conn, principal, report_id)


def _as_json(value: Any) -> Any:
    return orjson.loads(dumps(value))
