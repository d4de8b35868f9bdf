"""What a gate decision leaves beyond the review itself, in the decision's transaction: the
conditions of a `go` as action items of the project (source `gate_condition`, source id the
review) and, for every decision, an entry of the project's decision log (source
`gate_review`, source id the review), written through the action items' and the decision
log's own services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.actions.models import ActionSource
from pmo_api.actions.schemas import ActionItemCreate
from pmo_api.actions.service import create_action_item
from pmo_api.decisions.models import DecisionSource
from pmo_api.decisions.schemas import DecisionCreate
from pmo_api.decisions.service import record_decision
from pmo_api.gates.models import GateDecision
from pmo_api.schedule.service import visible_milestone

# The title of a decision log entry, by decision.
_VERDICT = {
    GateDecision.GO: "passed (go)",
    GateDecision.HOLD: "on hold",
    GateDecision.RECYCLE: "to be reviewed again (recycle)",
    GateDecision.KILL: "failed: the project is cancelled (kill)",
}


# Within the bodies' bounds (a title of 200 characters, a long text of 20,000).
_NAME = 150
_LONG_TEXT = 20_000


def _alternatives(decision: GateDecision) -> list[str]:
    return [d.value for d in GateDecision if d != decision]


async def record(conn: AsyncConnection, principal: Principal, review: Mapping[Any, Any]) -> None:
    """The action items (a `go`'s conditions) and the decision log entry of the decided
    `review` (a row as gates/service.visible_review reads it)."""
    decision = GateDecision(review["decision"])
    gate = await visible_milestone(conn, principal, review["milestone_id"])
    project_id = review["project_id"]
    for condition in review["conditions"] if decision == GateDecision.GO else ():
        item = ActionItemCreate.model_validate(
            {
                "title": condition["title"],
                "description": f"A condition of passing the gate '{gate['name'][:_NAME]}'.",
                "owner": condition.get("owner"),
                "due_date": condition.get("due_date"),
            }
        )
        await create_action_item(
            conn,
            principal=principal,
            ref=project_id,
            data=item,
            source=ActionSource.GATE_CONDITION,
            source_id=review["id"],
        )
    rationale = review["rationale"]
    if review["override_reason"]:
        override = f"Overridden: a must criterion was not met ({review['override_reason']})."
        rationale = override if not rationale else f"{rationale}\n\n{override}"
        rationale = rationale[:_LONG_TEXT]
    entry = DecisionCreate.model_validate(
        {
            "title": f"Gate '{gate['name'][:_NAME]}' {_VERDICT[decision]}",
            "rationale": rationale,
            "alternatives": _alternatives(decision),
            "decided_by": review["decided_by"],
            "decided_on": review["decided_on"],
        }
    )
    await record_decision(
        conn,
        principal=principal,
        data=entry,
        project=project_id,
        source=DecisionSource.GATE_REVIEW,
        source_id=review["id"],
    )
