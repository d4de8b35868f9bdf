"""REST endpoints for time entries (actual hours): the feed, a project's list, the upsert by
`external_ref` and the item operations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB, AppSettings, upserted
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import WRITE, CsvFile, ResourceRoutes
from pmo_api.resources import time_entries
from pmo_api.resources.time_schemas import (
    TimeEntryCreate,
    TimeEntryFeedParams,
    TimeEntryListParams,
    TimeEntryOut,
    TimeEntryPage,
    TimeEntryPatch,
)

router = APIRouter(tags=["resources"])

time_entry_lists = ListRoutes(
    router,
    TimeEntryPage,
    time_entries.list_time_entries,
    time_entries.time_entry_json,
    CsvFile(tuple(TimeEntryOut.model_fields), "time-entries.csv"),
)


@time_entry_lists.route("/api/v1/time-entries", "time-entries-list")
def list_time_entries(params: TimeEntryFeedParams) -> time_entries.TimeEntryFilter:
    """Time entries on the projects the caller may see. Filter by `portfolio_id`, `project` (id
    or code), `resource_id`, `from`/`to` (work_date, inclusive), `q` (note, external_ref) and
    `updated_since`; sort `work_date` (default). CSV streams every matching row."""
    return time_entries.TimeEntryFilter.of(params)


@time_entry_lists.route("/api/v1/projects/{project}/time-entries", "project-time-entries-list")
def list_project_time_entries(
    params: TimeEntryListParams, project: str
) -> time_entries.TimeEntryFilter:
    """The project's time entries; CSV on request."""
    return time_entries.TimeEntryFilter.of(params, project=project)


@router.post(
    "/api/v1/projects/{project}/time-entries",
    status_code=201,
    operation_id="time-entries-create",
    response_model=TimeEntryOut,
    responses={**WRITE, 200: {"description": "Updated by `external_ref`"}},
)
async def create_time_entry(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    body: TimeEntryCreate,
) -> Response:
    """Record hours a resource worked on the project one day (editor): 201, priced at the
    resource's rate in force that day (its cost joins the project's actual cost). With an
    `external_ref` the project already has, that entry is updated instead (200). A rate in
    another currency than the project's is a 422 naming `resource_id`. Honours
    `Idempotency-Key`."""

    async def write(conn: AsyncConnection) -> tuple[dict[str, Any], bool]:
        row, was_created = await time_entries.record_time_entry(
            conn, principal=caller, ref=project, data=body
        )
        return time_entries.time_entry_json(row), was_created

    return await upserted(request, db, settings, caller, write, "/api/v1/time-entries/{id}")


time_entry = ResourceRoutes(
    router, "/api/v1/time-entries/{time_entry_id}", TimeEntryOut, time_entries.time_entry_json
)
time_entry.get(time_entries.visible_time_entry, "One time entry. Honours `If-None-Match`.")
time_entry.update(
    time_entries.update_time_entry,
    TimeEntryPatch,
    "JSON Merge Patch of a time entry (editor), priced again. Honours `If-Match`.",
)
time_entry.delete(time_entries.delete_time_entry, "Remove a time entry (editor).")
