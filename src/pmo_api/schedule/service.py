"""Rules for milestones and progress. Services receive the transaction and never commit.

Every write locks its project's row first: writes to one project queue behind each other, so
the per-project aggregates rebuilt at the end of each write (evm/aggregates.refresh) always
match the raw rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.core.crud import tracked_fields
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.dependencies import at_risk
from pmo_api.evm import aggregates
from pmo_api.projects.children import ChildWrites
from pmo_api.projects.service import visible_project, within_project
from pmo_api.schedule import repository as repo
from pmo_api.schedule.models import milestones, progress_records
from pmo_api.schedule.schemas import MilestoneListParams

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
        "gate_key": row["gate_key"],
        "status": row["status"],
        **tracked_fields(row),
    }


def _milestone_values(fields: dict[str, Any]) -> dict[str, Any]:
    if "weight" in fields:
        fields["weight_milli"] = int(fields.pop("weight") * MILLI)
    if fields.get("gate_key") is not None:
        fields["is_gate"] = True  # a template's gate is a gate
    return fields


def _gate_taken(gate_key: str) -> Conflict:
    return Conflict(f"the project already has the gate '{gate_key}' on another milestone")


async def _gate_free(
    conn: AsyncConnection, _: Principal, project: Mapping[Any, Any], values: dict[str, Any]
) -> None:
    """One milestone per gate key and project (create)."""
    key = values.get("gate_key")
    if key is not None and await repo.gate_taken(conn, project["id"], key, other_than=None):
        raise _gate_taken(key)


async def _gate_still_free(
    conn: AsyncConnection, _: Principal, current: Mapping[Any, Any], changes: dict[str, Any]
) -> None:
    """One milestone per gate key and project, and a milestone with a gate key is a gate."""
    key = changes.get("gate_key", current["gate_key"])
    if key is not None and not changes.get("is_gate", True):
        raise Invalid.field(
            ["body", "is_gate"], f"a milestone with the gate key '{key}' is a gate", "gate_key"
        )
    if changes.get("gate_key") is not None and await repo.gate_taken(
        conn, current["project_id"], key, other_than=current["id"]
    ):
        raise _gate_taken(key)


@dataclass(frozen=True)
class MilestoneFilter:
    """The filters of the milestone lists: the feed (every project the caller may see) and one
    project's list (`project`). Several values of one filter are an OR. Hashable (GraphQL)."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()  # ids or codes; naming nothing that can exist, no rows
    status: tuple[str, ...] = ()
    is_gate: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: MilestoneListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> MilestoneFilter:
        """From the parameters REST validates (GraphQL validates its filter with them too)."""
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_milestones(
    conn: AsyncConnection, principal: Principal, filter: MilestoneFilter, *, sort: str | None = None
) -> Listing:
    """The milestones the caller may see that match `filter`, with their status as of today:
    the feed, a project's list, their CSV and GraphQL's `milestones` alike."""
    t = today()
    stmt = repo.milestones_of(principal, t)
    stmt = await within_project(conn, principal, stmt, milestones.c.project_id, filter.project)
    stmt = repo.filter_milestones(stmt, t, **narrowing(filter, "project"))
    return Listing(stmt, repo.milestone_sort(sort))


async def visible_milestone(
    conn: AsyncConnection, principal: Principal, milestone_id: uuid.UUID
) -> RowMapping:
    return found(
        await repo.get_milestone(conn, principal, milestone_id, today()),
        f"milestone {milestone_id}",
    )


async def _refresh_schedule(conn: AsyncConnection, project_ids: Sequence[uuid.UUID]) -> None:
    """The project's aggregates, then the milestones at risk from a dependency (this project's
    and its successors' in other projects: dependencies/at_risk.py)."""
    await aggregates.refresh(conn, project_ids)
    await at_risk.refresh_flags(conn, project_ids)


MILESTONES = ChildWrites(
    milestones,
    visible_milestone,
    _refresh_schedule,
    _milestone_values,
    check_create=_gate_free,
    check_update=_gate_still_free,
)
# The writes: create(conn, *, principal, ref, data), update(..., object_id, patch, precondition)
# and delete(..., object_id, precondition), as core/writes.py has them.
create_milestone = MILESTONES.create
update_milestone = MILESTONES.update
delete_milestone = MILESTONES.delete


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


async def list_progress(
    conn: AsyncConnection,
    principal: Principal,
    project: str,
    *,
    updated_since: datetime | None,
    sort: str | None,
) -> Listing:
    """The project's progress records."""
    owner = await visible_project(conn, principal, project)
    stmt = repo.progress_of(principal).where(progress_records.c.project_id == owner["id"])
    if updated_since:
        stmt = stmt.where(progress_records.c.updated_at >= updated_since)
    return Listing(stmt, repo.progress_sort(sort))


async def visible_progress(
    conn: AsyncConnection, principal: Principal, progress_id: uuid.UUID
) -> RowMapping:
    return found(
        await repo.get_progress(conn, principal, progress_id), f"progress record {progress_id}"
    )


def _as_of_taken(as_of: date) -> Conflict:
    return Conflict(f"the project already has a progress record as of {as_of}; update that one")


async def _as_of_free(
    conn: AsyncConnection, _: Principal, project: Mapping[Any, Any], values: dict[str, Any]
) -> None:
    """One progress record per project and date (create)."""
    if await repo.progress_taken(conn, project["id"], values["as_of"], other_than=None):
        raise _as_of_taken(values["as_of"])


async def _as_of_still_free(
    conn: AsyncConnection, _: Principal, current: Mapping[Any, Any], changes: dict[str, Any]
) -> None:
    """One progress record per project and date (update)."""
    if "as_of" in changes and await repo.progress_taken(
        conn, current["project_id"], changes["as_of"], other_than=current["id"]
    ):
        raise _as_of_taken(changes["as_of"])


PROGRESS = ChildWrites(
    progress_records,
    visible_progress,
    aggregates.refresh,
    _progress_values,
    check_create=_as_of_free,
    check_update=_as_of_still_free,
)
create_progress = PROGRESS.create
update_progress = PROGRESS.update
delete_progress = PROGRESS.delete
