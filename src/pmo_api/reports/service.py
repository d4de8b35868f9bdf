"""Rules for status reports: drafts change freely; `publish` freezes a snapshot of the
project's earned value and KPI values as of `period_end`, after which the report is immutable
(409), so later data never changes what was reported."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import utcnow
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.core.responses import dumps
from pmo_api.evm import service as earned_value
from pmo_api.kpis.service import project_kpis
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project
from pmo_api.reports import repository as repo
from pmo_api.reports.models import ReportState, status_reports
from pmo_api.reports.schemas import ReportCreate, ReportListParams, ReportPatch
from pmo_api.settings import Settings

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


@dataclass(frozen=True)
class ReportFilter:
    """The filters of the status report lists: the feed (every project the caller may see) and
    one project's list (`project`). Hashable: part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    states: tuple[str, ...] = ()  # any when none
    updated_since: datetime | None = None
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()  # ids or codes; naming nothing that can exist, no rows

    @classmethod
    def of(cls, params: ReportListParams, *, project: str | None = None) -> ReportFilter:
        """From the parameters REST validates: a feed's, or one project's list."""
        return filter_of(cls, params, project=project, states=tuple(params.state))


async def list_reports(
    conn: AsyncConnection, principal: Principal, filter: ReportFilter, *, sort: str | None = None
) -> Listing:
    """The status reports the caller may see that match `filter`, in `sort` order (default:
    `period_end`): REST's list, GraphQL's `project.statusReports` and its DataLoader alike."""
    stmt = repo.visible(principal)
    stmt = await within_project(conn, principal, stmt, status_reports.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


async def visible_report(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"status report {object_id}")


async def create_report(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: ReportCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = {"project_id": project["id"], "state": ReportState.DRAFT, **data.model_dump()}
    new = await insert_row(conn, status_reports, values, actor=principal)
    return await visible_report(conn, principal, new)


async def _draft_to_write(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID, precondition: Precondition
) -> RowMapping:
    current = await child_to_write(conn, principal, object_id, visible_report, precondition)
    if current["state"] == ReportState.PUBLISHED:
        raise Conflict("a published status report is immutable; write a new one")
    return current


async def update_report(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: ReportPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await _draft_to_write(conn, principal, object_id, precondition)
    return await update_child(
        conn, principal, status_reports, current, patch.changes(), visible_report
    )


async def delete_report(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await _draft_to_write(conn, principal, object_id, precondition)
    await delete_row(conn, status_reports, current, actor=principal)


async def publish_report(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
    settings: Settings,
) -> RowMapping:
    """Freeze the snapshot as of period_end and publish, in the writer's transaction."""
    current = await _draft_to_write(conn, principal, object_id, precondition)
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
        "state": ReportState.PUBLISHED,
        "published_at": utcnow(),
        "snapshot": _as_json(snapshot),
    }
    await update_row(conn, status_reports, current, changes, actor=principal, action="publish")
    return await visible_report(conn, principal, object_id)


def _as_json(value: Any) -> Any:
    return orjson.loads(dumps(value))
