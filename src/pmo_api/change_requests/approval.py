"""What approving a change request does, in the transaction of the transition:

1. with `rebaseline` (and a cost impact): a new budget baseline, the current one's lines with
   `cost_delta` added to the line of the approver's `budget_period` and `budget_category`
   (default: this month, `change_requests`; a new line when there is none), through the
   budget's own re-baseline (budget.service.put_baseline: the project's budget becomes its
   total); every line of it carries the request's id;
2. with a schedule impact: the affected milestones' forecasts (their forecast, else their due
   date) move by `schedule_delta_days`;
3. its entry in the project's decision log (source `change_request`, read-only).

Any step that fails raises, and the transaction (the request's) leaves nothing behind."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.budget import repository as budget_repo
from pmo_api.budget.models import budget_lines
from pmo_api.budget.schemas import BaselinePut, BudgetLineIn
from pmo_api.budget.service import put_baseline
from pmo_api.change_requests import repository as repo
from pmo_api.change_requests.schemas import TransitionIn
from pmo_api.core.clock import today
from pmo_api.core.crud import update_row
from pmo_api.core.errors import Invalid
from pmo_api.core.etags import Precondition
from pmo_api.core.inputs import LAST_DATE
from pmo_api.decisions.models import DecisionSource
from pmo_api.decisions.schemas import DecisionCreate
from pmo_api.decisions.service import record_decision
from pmo_api.evm import aggregates
from pmo_api.schedule.models import milestones

DEFAULT_CATEGORY = "change_requests"


async def approve(
    conn: AsyncConnection, principal: Principal, current: Mapping[Any, Any], data: TransitionIn
) -> dict[str, Any]:
    """The approval's effects; returns the request's fields they set (`baseline`,
    `decision_id`)."""
    changes: dict[str, Any] = {}
    if data.rebaseline:
        changes["baseline"] = await _rebaseline(conn, principal, current, data)
    if current["schedule_delta_days"] and current["affected_milestone_ids"]:
        await _move_forecasts(conn, principal, current)
    decision = await record_decision(
        conn,
        principal=principal,
        data=DecisionCreate(
            title=f"Approve change request: {current['title']}"[:200],
            rationale=data.note or current["justification"],
            decided_by=principal.name or principal.key_id,
            decided_on=today(),
        ),
        project=current["project_id"],
        source=DecisionSource.CHANGE_REQUEST,
        source_id=current["id"],
    )
    changes["decision_id"] = decision["id"]
    return changes


def _period(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


async def _rebaseline(
    conn: AsyncConnection, principal: Principal, current: Mapping[Any, Any], data: TransitionIn
) -> int:
    """The new baseline's number: the current lines, the change added on its line."""
    delta: int = current["cost_delta"]
    if delta == 0:
        raise Invalid.field(
            ["body", "rebaseline"], "the change request has no cost impact", "no_cost_impact"
        )
    project_id = current["project_id"]
    period = data.budget_period or _period(today())
    category = data.budget_category or DEFAULT_CATEGORY
    stmt = budget_repo.lines_of(principal, None).where(budget_lines.c.project_id == project_id)
    amounts: dict[tuple[str, str], int] = {
        (_period(row["period"]), row["category"]): row["amount"]
        for row in (await conn.execute(stmt)).mappings().all()
    }
    amounts[(period, category)] = amounts.get((period, category), 0) + delta
    if amounts[(period, category)] < 0:
        raise Invalid.field(
            ["body", "budget_category"],
            f"the saving ({Decimal(-delta).scaleb(-2)}) is more than the budget of {period} "
            f"in '{category}'",
            "budget_negative",
        )
    try:
        lines = BaselinePut(
            lines=[
                BudgetLineIn(period=p, category=c, amount=Decimal(amount).scaleb(-2))
                for (p, c), amount in sorted(amounts.items())
            ]
        ).lines
    except ValidationError:  # a line above the money limit, or one line too many
        raise Invalid.field(
            ["body", "budget_category"],
            f"the new baseline cannot take the change on {period} '{category}': a line would "
            "exceed the money limit, or the baseline the 5,000 lines limit",
            "budget_line_invalid",
        ) from None
    made = await put_baseline(
        conn,
        principal=principal,
        ref=str(project_id),
        data=BaselinePut.model_construct(lines=lines),
        precondition=Precondition(),
    )
    number: int = made["baseline"]
    await conn.execute(
        update(budget_lines)
        .where(budget_lines.c.project_id == project_id, budget_lines.c.baseline == number)
        .values(change_request_id=current["id"])
    )
    return number


async def _move_forecasts(
    conn: AsyncConnection, principal: Principal, current: Mapping[Any, Any]
) -> None:
    """Each affected milestone's forecast moved by the delta (422 when one is no longer the
    project's, or the date leaves the calendar: the request's stored fields, named under the
    path's `change_request_id`)."""
    ids = list(current["affected_milestone_ids"])
    wanted = [uuid.UUID(str(i)) for i in ids]
    found = await repo.milestones_of(conn, current["project_id"], wanted)
    days = timedelta(days=current["schedule_delta_days"])
    for i, milestone_id in enumerate(wanted):
        row = found.get(milestone_id)
        if row is None:
            raise Invalid.field(
                ["path", "change_request_id", "affected_milestone_ids", i],
                f"milestone {milestone_id} is not a milestone of this project",
                "milestone_unknown",
            )
        try:
            moved = (row["forecast_date"] or row["due_date"]) + days
            if moved.isoformat() > LAST_DATE:
                raise OverflowError
        except OverflowError:
            raise Invalid.field(
                ["path", "change_request_id", "schedule_delta_days"],
                "moves a forecast out of the calendar",
                "date_range",
            ) from None
        await update_row(conn, milestones, row, {"forecast_date": moved}, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])
