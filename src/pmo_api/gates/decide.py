"""A gate review's decision and its effects, all in the caller's transaction (one unit of work:
a refusal anywhere, such as a project that cannot go on hold, leaves nothing written).

- `go`: the gate milestone completes on the decision date (its `completed_on`, from which the
  schedule derives the status `completed`); the conditions become action items;
- `hold`: the project goes on hold (the projects' status machine: 409 when it cannot);
- `recycle`: nothing else: the gate stays open and a new review may be scheduled;
- `kill`: the project is cancelled (409 when it is completed or cancelled already).

Every decision writes its entry in the decision log (gates/follow_ups.py). A decision with a
`must` criterion `not_met` or without a result needs `override: {reason}`: a 422 at
`override` without it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.core.crud import update_row
from pmo_api.core.errors import Invalid
from pmo_api.core.etags import Precondition
from pmo_api.evm import aggregates
from pmo_api.gates import follow_ups
from pmo_api.gates.models import CriterionLevel, CriterionResult, GateDecision, gate_reviews
from pmo_api.gates.schemas import GateDecisionIn
from pmo_api.gates.service import still_open, visible_review
from pmo_api.projects import lifecycle
from pmo_api.projects.children import child_to_write
from pmo_api.projects.models import ProjectStatus
from pmo_api.projects.models import projects as project_rows
from pmo_api.projects.service import visible_project
from pmo_api.schedule.models import milestones
from pmo_api.schedule.service import visible_milestone

# What each decision does to the project's status (go and recycle: nothing).
_PROJECT_STATUS = {
    GateDecision.HOLD: ProjectStatus.ON_HOLD,
    GateDecision.KILL: ProjectStatus.CANCELLED,
}


def unmet_musts(criteria: Any) -> list[str]:
    """The `must` criteria not met or without a result (`n/a` counts as met), by key or text."""
    return [
        str(c.get("key") or c.get("text"))
        for c in criteria or ()
        if c.get("level") == CriterionLevel.MUST
        and c.get("result") not in (CriterionResult.MET, CriterionResult.NOT_APPLICABLE)
    ]


def _check(current: Mapping[Any, Any], data: GateDecisionIn) -> None:
    unmet = unmet_musts(current["criteria"])
    if unmet and data.override is None:
        raise Invalid.field(
            ["body", "override"],
            "must criteria are not met or not recorded (" + ", ".join(unmet) + "): deciding "
            "needs override: {reason}",
            "override_required",
        )
    if data.conditions and data.decision != GateDecision.GO.value:
        raise Invalid.field(
            ["body", "conditions"],
            f"conditions come only with a go decision, not {data.decision}",
            "conditions_need_go",
        )


async def _set_project_status(
    conn: AsyncConnection, principal: Principal, project_id: uuid.UUID, status: str
) -> None:
    """The project to `status` by its status machine (409 when it cannot go there)."""
    project = await visible_project(conn, principal, project_id)
    lifecycle.check_transition(project["status"], status)
    if project["status"] != status:
        await update_row(conn, project_rows, project, {"status": status}, actor=principal)


async def _complete_gate(
    conn: AsyncConnection, principal: Principal, milestone_id: uuid.UUID, on: Any
) -> None:
    """The gate milestone completed on `on` (left as it is when completed already)."""
    milestone = await visible_milestone(conn, principal, milestone_id)
    if milestone["completed_on"] is None:
        await update_row(conn, milestones, milestone, {"completed_on": on}, actor=principal)
        await aggregates.refresh(conn, [milestone["project_id"]])


async def decide_review(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: GateDecisionIn,
    precondition: Precondition,
) -> RowMapping:
    """Decide an open review (editor), with its effects (the module's docstring). `patch` is
    the decision (named so for core/writes.py's update signature)."""
    current = await child_to_write(conn, principal, object_id, visible_review, precondition)
    still_open(current)
    _check(current, patch)
    decided_on = patch.decided_on or today()
    decision = GateDecision(patch.decision)
    values: dict[str, Any] = {
        "decision": decision.value,
        "decided_on": decided_on,
        "decided_by": patch.decided_by or principal.name or principal.email,
        "rationale": patch.rationale,
        "override_reason": None if patch.override is None else patch.override.reason,
        "conditions": [c.model_dump(mode="json") for c in patch.conditions],
    }
    if current["held_on"] is None:
        values["held_on"] = decided_on
    await update_row(conn, gate_reviews, current, values, actor=principal, action="decide")
    project_id = current["project_id"]
    if decision == GateDecision.GO:
        await _complete_gate(conn, principal, current["milestone_id"], decided_on)
    elif decision in _PROJECT_STATUS:
        await _set_project_status(conn, principal, project_id, _PROJECT_STATUS[decision])
    decided = await visible_review(conn, principal, object_id)
    await follow_ups.record(conn, principal, decided)
    return decided
