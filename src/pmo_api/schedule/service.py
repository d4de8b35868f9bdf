"""Rules for milestones and progress. Services receive the transaction and never commit.

Every write locks its project's row first: writes to one project queue behind each other, so
the per-project aggregates rebuilt at the end of each write (evm/aggregates.refresh) always
match the raw rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import today
from pmo_api.core.crud import changed_only, delete_row, insert_row, tracked_fields, update_row
from pmo_api.core.errors import Conflict, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.evm import aggregates
from pmo_api.projects.service import locked_child, visible_project
from pmo_api.schedule import repository as repo
from pmo_api.schedule.models import milestones, progress_records
from pmo_api.schedule.schemas import (
    MilestoneCreate,
    MilestonePatch,
    ProgressCreate,
    ProgressPatch,
)

MILLI = 1000
HUNDREDTHS = 100


# --- milestones ---------------------------------------------------------------------------------


def milestone_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "name": row["name"],
        "description": row["description"],
        "due_date": row["due_date"],
        "forecast_date": row["forecast_date"],
        "completed_on": row["completed_on"],
        "weight": row["weight_milli"] / MILLI,
        "is_gate": row["is_gate"],
        "status": row["status"],
        **tracked_fields(row),
    }


def _milestone_values(fields: dict[str, Any]) -> dict[str, Any]:
    if "weight" in fields:
        fields["weight_milli"] = int(fields.pop("weight") * MILLI)
    return fields


async def visible_milestone(
    conn: AsyncConnection, principal: Principal, milestone_id: uuid.UUID
) -> RowMapping:
    row = await repo.get_milestone(conn, principal, milestone_id, today())
    if row is None:
        raise NotFound(f"milestone {milestone_id} does not exist")
    return row


async def create_milestone(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: MilestoneCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = _milestone_values({"project_id": project["id"], **data.model_dump()})
    new = await insert_row(conn, milestones, values, actor=principal)
    await aggregates.refresh(conn, [project["id"]])
    return await visible_milestone(conn, principal, new)


async def update_milestone(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: MilestonePatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, object_id, visible_milestone)
    precondition.check(current["version"])
    changes = changed_only(current, _milestone_values(patch.changes()))
    if not changes:
        return current
    await update_row(conn, milestones, current, changes, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])
    return await visible_milestone(conn, principal, object_id)


async def delete_milestone(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, object_id, visible_milestone)
    precondition.check(current["version"])
    await delete_row(conn, milestones, current, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])


# --- progress -----------------------------------------------------------------------------------


def progress_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "as_of": row["as_of"],
        "percent_complete": row["percent_hundredths"] / HUNDREDTHS,
        "note": row["note"],
        **tracked_fields(row),
    }


def _progress_values(fields: dict[str, Any]) -> dict[str, Any]:
    if "percent_complete" in fields:
        fields["percent_hundredths"] = int(fields.pop("percent_complete") * HUNDREDTHS)
    return fields


async def visible_progress(
    conn: AsyncConnection, principal: Principal, progress_id: uuid.UUID
) -> RowMapping:
    row = await repo.get_progress(conn, principal, progress_id)
    if row is None:
        raise NotFound(f"progress record {progress_id} does not exist")
    return row


def _as_of_taken(as_of: date) -> Conflict:
    return Conflict(f"the project already has a progress record as of {as_of}; update that one")


async def create_progress(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: ProgressCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    if await repo.progress_taken(conn, project["id"], data.as_of, other_than=None):
        raise _as_of_taken(data.as_of)
    values = _progress_values({"project_id": project["id"], **data.model_dump()})
    new = await insert_row(conn, progress_records, values, actor=principal)
    await aggregates.refresh(conn, [project["id"]])
    return await visible_progress(conn, principal, new)


async def update_progress(
    conn: AsyncConnection,
    *,
    principal: Principal,
    progress_id: uuid.UUID,
    patch: ProgressPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, progress_id, visible_progress)
    precondition.check(current["version"])
    changes = changed_only(current, _progress_values(patch.changes()))
    if not changes:
        return current
    if "as_of" in changes and await repo.progress_taken(
        conn, current["project_id"], changes["as_of"], other_than=progress_id
    ):
        raise _as_of_taken(changes["as_of"])
    await update_row(conn, progress_records, current, changes, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])
    return await visible_progress(conn, principal, progress_id)


async def delete_progress(
    conn: AsyncConnection,
    *,
    principal: Principal,
    progress_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, progress_id, visible_progress)
    precondition.check(current["version"])
    await delete_row(conn, progress_records, current, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])
