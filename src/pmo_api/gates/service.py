"""Rules for gate reviews: reads, and the writes of an open review. Services receive the
transaction and never commit; the decision and its effects are in gates/decide.py.

A review belongs to a gate (a milestone of its project with `is_gate`); a gate has at most one
open (undecided) review (409 otherwise). A decided review is immutable (PATCH, DELETE: 409);
the next review of its gate supersedes it (`superseded_by`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import today
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.gates import repository as repo
from pmo_api.gates.defaults import criteria_from_template
from pmo_api.gates.models import gate_reviews
from pmo_api.gates.schemas import GateReviewCreate, GateReviewListParams, GateReviewPatch
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project
from pmo_api.schedule import repository as schedule_repo

_CRITERION = ("key", "text", "level", "result", "evidence_url", "comment")
_REVIEWER = ("name", "vote", "comment")
_CONDITION = ("title", "owner", "due_date")
# The body's lists, stored as their JSON (dates as ISO text).
_JSON_LISTS = {"criteria", "reviewers"}


@dataclass(frozen=True)
class GateReviewFilter:
    """The filters of the gate review lists: the feed (every project the caller may see) and
    one project's reviews (`project`). Several values of one filter are an OR. Hashable: it is
    part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()  # ids or codes; naming nothing that can exist, no rows
    decision: tuple[str, ...] = ()
    open: bool | None = None
    scheduled_before: date | None = None
    milestone_ids: tuple[uuid.UUID, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: GateReviewListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> GateReviewFilter:
        """From the parameters REST validates (GraphQL validates its filter with them too)."""
        return filter_of(
            cls,
            params,
            since_at=since_at,
            project=project,
            milestone_ids=tuple(params.milestone_id),
        )


async def list_reviews(
    conn: AsyncConnection,
    principal: Principal,
    filter: GateReviewFilter,
    *,
    sort: str | None = None,
) -> Listing:
    """The gate reviews the caller may see that match `filter`, in `sort` order (default:
    creation): the feed, a project's reviews, their CSV and GraphQL alike."""
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, gate_reviews.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


def _items(values: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{name: item.get(name) for name in names} for item in values or ()]


def review_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A review as the API shows it."""
    reason = row["override_reason"]
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "project_code": row["project_code"],
        "portfolio_id": row["portfolio_id"],
        "milestone_id": row["milestone_id"],
        "scheduled_on": row["scheduled_on"],
        "held_on": row["held_on"],
        "criteria": _items(row["criteria"], _CRITERION),
        "reviewers": _items(row["reviewers"], _REVIEWER),
        "notes": row["notes"],
        "open": row["decision"] is None,
        "decision": row["decision"],
        "decided_on": row["decided_on"],
        "decided_by": row["decided_by"],
        "rationale": row["rationale"],
        "override": None if reason is None else {"reason": reason},
        "conditions": _items(row["conditions"], _CONDITION),
        "superseded_by": row["superseded_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


# The columns of the CSV export: the body's fields (lists as their JSON text).
CSV_COLUMNS = tuple(review_json({name: None for name in repo.FIELDS}))


async def visible_review(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"gate review {object_id}")


async def gate_of(
    conn: AsyncConnection, principal: Principal, project: Mapping[Any, Any], data: GateReviewCreate
) -> RowMapping:
    """The gate a review is for, by `milestone_id` or `gate_key` (exactly one): a milestone of
    `project` with `is_gate` (422 otherwise)."""
    if (data.milestone_id is None) == (data.gate_key is None):
        raise Invalid.field(
            ["body", "milestone_id"], "name the gate by milestone_id or by gate_key", "gate_named"
        )
    milestone_id = data.milestone_id
    if data.gate_key is not None:
        milestone_id = await repo.gate_by_key(conn, project["id"], data.gate_key)
        if milestone_id is None:
            raise Invalid.field(
                ["body", "gate_key"],
                f"project {project['code']} has no gate with the key '{data.gate_key}'",
                "not_found",
            )
    assert milestone_id is not None
    milestone = await schedule_repo.get_milestone(conn, principal, milestone_id, today())
    if milestone is None or milestone["project_id"] != project["id"]:
        raise Invalid.field(
            ["body", "milestone_id"],
            f"milestone {milestone_id} is not a milestone of project {project['code']}",
            "not_found",
        )
    if not milestone["is_gate"]:
        raise Invalid.field(
            ["body", "milestone_id"],
            f"milestone {milestone_id} is not a stage gate (is_gate is false)",
            "not_a_gate",
        )
    return milestone


async def create_review(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: GateReviewCreate
) -> RowMapping:
    """A new open review of a gate of the project `ref`; it supersedes the gate's latest decided
    review. 409 while the gate has an open review."""
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    milestone = await gate_of(conn, principal, project, data)
    if (taken := await repo.open_review(conn, milestone["id"])) is not None:
        raise Conflict(
            f"gate {milestone['id']} already has an open review ({taken}); decide or delete "
            "it first"
        )
    values = {**data.model_dump(exclude={"gate_key"}), "milestone_id": milestone["id"]}
    values |= data.model_dump(mode="json", include=_JSON_LISTS)
    if data.criteria is None:
        values["criteria"] = await criteria_from_template(conn, project, milestone)
    values = {"project_id": project["id"], **values, "conditions": []}
    new = await insert_row(conn, gate_reviews, values, actor=principal)
    earlier = await repo.latest_unsuperseded(conn, milestone["id"], other_than=new)
    if earlier is not None:
        await update_row(conn, gate_reviews, earlier, {"superseded_by": new}, actor=principal)
    return await visible_review(conn, principal, new)


def still_open(current: Mapping[Any, Any]) -> None:
    if current["decision"] is not None:
        raise Conflict(
            f"gate review {current['id']} was decided ({current['decision']}) and is "
            "immutable; schedule a new review of the gate instead"
        )


async def update_review(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: GateReviewPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await child_to_write(conn, principal, object_id, visible_review, precondition)
    still_open(current)
    changes = patch.changes()
    changes |= patch.model_dump(mode="json", include=_JSON_LISTS & set(changes))
    return await update_child(conn, principal, gate_reviews, current, changes, visible_review)


async def delete_review(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_review, precondition)
    still_open(current)
    for earlier in await repo.superseded_by(conn, current["id"]):
        await update_row(conn, gate_reviews, earlier, {"superseded_by": None}, actor=principal)
    await delete_row(conn, gate_reviews, current, actor=principal)
