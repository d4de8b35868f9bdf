"""SQL for health: one statement gives, per project as of a date, what the rules of
health/rules.py look at. Its columns are evm/inputs.statement' (the earned-value inputs, used
as they are) followed by five flags: an overdue stage gate, an overdue milestone, an open
critical risk, an open high risk, an overdue action item.

The flags are comparisons on the project's own project_finance row, which every milestone and
risk write keeps up to date (evm/aggregates.py): the earliest due date of its open
milestones (and gates) against the as-of date, and its counts of open critical and high risks.
So a portfolio of 10,000 projects costs no scan of the milestones or the risks (grouping them
took ~30 ms of the summary's statement), and one project costs no extra lookup. The rule
`actions` (when on) counts a project's overdue action items, but only for the projects whose
flag says they have one (`overdue_action_counts`): none, most of the time."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, false, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.actions.models import OPEN_STATUSES as OPEN_ACTION_STATUSES
from pmo_api.actions.models import action_items
from pmo_api.evm import inputs
from pmo_api.evm.models import project_finance


class FactsRow(inputs.InputsRow, Protocol):
    """A row of `facts`, read by name: the earned-value inputs and the four flags."""

    overdue_gate: bool
    overdue_milestone: bool
    open_critical_risk: bool
    open_high_risk: bool
    overdue_action: bool
    dependency_risk: bool
    open_critical_issue: bool
    open_high_issue: bool


_KEPT = (
    project_finance.c.first_open_due,
    project_finance.c.first_open_gate_due,
    project_finance.c.open_critical_risks,
    project_finance.c.open_high_risks,
    project_finance.c.first_open_action_due,
    project_finance.c.dependency_risks,
    project_finance.c.open_critical_issues,
    project_finance.c.open_high_issues,
)


def facts(where: ColumnElement[bool], *, wide: bool = False) -> Select[Any]:
    """Per project matching `where` (on the projects table), as of the date of
    inputs.AsOf(t).params(): the inputs' columns, then the flags (rows read as FactsRow).
    `wide` for a `where` that matches many projects (as inputs.inputs' `wide`)."""
    ev = inputs.statement(where, None, wide=wide, extra=_KEPT).subquery("ev")

    def due_before_t(first_due: Any) -> ColumnElement[bool]:
        # CONTRACT §3: a milestone is overdue when not completed and due before the date; the
        # earliest open one is, exactly when any is. No open milestone (NULL): not overdue.
        return func.coalesce(first_due < ev.c.as_of, false())

    def any_open(count: Any) -> ColumnElement[bool]:
        return func.coalesce(count, 0) > 0  # no project_finance row yet: no risk recorded

    return select(
        *(ev.c[name] for name in inputs.INPUT_COLUMNS),
        due_before_t(ev.c.first_open_gate_due).label("overdue_gate"),
        due_before_t(ev.c.first_open_due).label("overdue_milestone"),
        any_open(ev.c.open_critical_risks).label("open_critical_risk"),
        any_open(ev.c.open_high_risks).label("open_high_risk"),
        due_before_t(ev.c.first_open_action_due).label("overdue_action"),
        any_open(ev.c.dependency_risks).label("dependency_risk"),
        any_open(ev.c.open_critical_issues).label("open_critical_issue"),
        any_open(ev.c.open_high_issues).label("open_high_issue"),
    )


async def overdue_action_counts(
    conn: AsyncConnection, project_ids: Collection[uuid.UUID], as_of: date
) -> dict[uuid.UUID, int]:
    """The number of action items still to do and due before `as_of`, of each of these
    projects (projects the caller's read already found) that has any: one grouped statement."""
    if not project_ids:
        return {}
    stmt = (
        select(action_items.c.project_id, func.count())
        .where(
            action_items.c.project_id.in_(sorted(set(project_ids))),
            action_items.c.status.in_(OPEN_ACTION_STATUSES),
            action_items.c.due_date < as_of,
        )
        .group_by(action_items.c.project_id)
    )
    return {project_id: int(n) for project_id, n in (await conn.execute(stmt)).all()}
