"""The per-project aggregates that earned value and health read (evm_months, project_finance).

Every write that changes a project's budget lines, costs, time entries or milestones calls
`refresh` for that project in its own transaction, after locking the project row: the
aggregates are rebuilt from the raw rows, so they cannot drift from them, and a reader never
sees one without the other; a risk write likewise calls `refresh_risks`, an action item write
`refresh_actions`. Rebuilding one
project reads only that project's rows (an index range), which keeps a write cheap while a
portfolio rollup reads one row per project instead of every cost entry or risk.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.actions.models import OPEN_STATUSES as OPEN_ACTION_STATUSES
from pmo_api.actions.models import action_items
from pmo_api.budget.models import budget_lines
from pmo_api.core.clock import utcnow
from pmo_api.db.sqlfuncs import month_start
from pmo_api.evm import actuals
from pmo_api.evm.models import evm_months, project_finance
from pmo_api.projects.models import projects
from pmo_api.risks import rules as risk_rules
from pmo_api.risks.models import risks
from pmo_api.schedule.models import milestones

_ZERO = literal(0, BigInteger)


def _among(
    column: ColumnElement[uuid.UUID], ids: Sequence[uuid.UUID] | None
) -> ColumnElement[bool]:
    return true() if ids is None else column.in_(ids)


async def refresh(conn: AsyncConnection, project_ids: Sequence[uuid.UUID] | None = None) -> None:
    """Rebuild the aggregates of these projects (None: of every project, for bulk loads)."""
    await _ensure_finance_rows(conn, project_ids)
    await conn.execute(delete(evm_months).where(_among(evm_months.c.project_id, project_ids)))
    current_lines = (
        select(
            budget_lines.c.project_id,
            budget_lines.c.period.label("month"),
            budget_lines.c.amount.label("planned"),
            _ZERO.label("actual"),
            _ZERO.label("earned"),
        )
        .join(
            project_finance,
            and_(
                project_finance.c.project_id == budget_lines.c.project_id,
                project_finance.c.baseline == budget_lines.c.baseline,
            ),
        )
        .where(_among(budget_lines.c.project_id, project_ids))
    )
    # Every source of actual cost (evm/actuals.py): cost entries and priced time entries.
    costs = [
        select(
            source.project_id, month_start(source.on).label("month"), _ZERO, source.amount, _ZERO
        ).where(_among(source.project_id, project_ids))
        for source in actuals.SOURCES
    ]
    completions = select(
        milestones.c.project_id,
        month_start(milestones.c.completed_on).label("month"),
        _ZERO,
        _ZERO,
        milestones.c.weight_milli,
    ).where(milestones.c.completed_on.is_not(None), _among(milestones.c.project_id, project_ids))
    raw = union_all(current_lines, *costs, completions).subquery("raw")
    monthly = (
        select(
            raw.c.project_id,
            raw.c.month,
            func.sum(raw.c.planned).label("planned"),
            func.sum(raw.c.actual).label("actual"),
            func.sum(raw.c.earned).label("earned"),
        )
        .group_by(raw.c.project_id, raw.c.month)
        .subquery("monthly")
    )

    def running(column: ColumnElement[int]) -> ColumnElement[int]:
        total = func.sum(column).over(partition_by=monthly.c.project_id, order_by=monthly.c.month)
        return cast(total, BigInteger)

    rows = select(
        monthly.c.project_id,
        monthly.c.month,
        func.lead(monthly.c.month).over(
            partition_by=monthly.c.project_id, order_by=monthly.c.month
        ),
        cast(monthly.c.planned, BigInteger),
        running(monthly.c.planned),
        cast(monthly.c.actual, BigInteger),
        running(monthly.c.actual),
        cast(monthly.c.earned, BigInteger),
        running(monthly.c.earned),
    )
    await conn.execute(
        insert(evm_months).from_select(
            [
                "project_id",
                "month",
                "next_month",
                "planned",
                "planned_cum",
                "actual",
                "actual_cum",
                "earned_milli",
                "earned_milli_cum",
            ],
            rows,
        )
    )
    await _refresh_totals(conn, project_ids)


async def _ensure_finance_rows(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID] | None
) -> None:
    missing = select(projects.c.id, literal(0, Integer), literal(0, Integer), _ZERO).where(
        _among(projects.c.id, project_ids),
        ~exists().where(project_finance.c.project_id == projects.c.id),
    )
    await conn.execute(
        insert(project_finance).from_select(
            ["project_id", "baseline", "baseline_lines", "weight_milli_total"], missing
        )
    )


async def refresh_risks(conn: AsyncConnection, project_ids: Sequence[uuid.UUID]) -> None:
    """Recount the open critical and high risks of these projects (after a risk write)."""
    await _ensure_finance_rows(conn, project_ids)
    await conn.execute(
        update(project_finance)
        .where(_among(project_finance.c.project_id, project_ids))
        .values(**_risk_counts())
    )


async def refresh_actions(conn: AsyncConnection, project_ids: Sequence[uuid.UUID]) -> None:
    """Find again the earliest due date of these projects' action items still to do (after an
    action item write): health's rule `actions` reads it."""
    await _ensure_finance_rows(conn, project_ids)
    await conn.execute(
        update(project_finance)
        .where(_among(project_finance.c.project_id, project_ids))
        # changed_at: computed KPI values (overdue_actions) follow it in incremental pulls.
        .values(first_open_action_due=_first_open_action_due(), changed_at=utcnow())
    )


def _first_open_action_due() -> ColumnElement[date]:
    """As of any t, an action item still to do is overdue exactly when this is before t."""
    return (
        select(func.min(action_items.c.due_date))
        .where(
            action_items.c.project_id == project_finance.c.project_id,
            action_items.c.status.in_(OPEN_ACTION_STATUSES),
        )
        .scalar_subquery()
    )


def _open_risks(severity: str) -> ColumnElement[int]:
    return (
        select(func.count())
        .where(
            risks.c.project_id == project_finance.c.project_id,
            risks.c.severity == severity,
            risks.c.status.in_(risk_rules.OPEN_STATUSES),
        )
        .scalar_subquery()
    )


def _risk_counts() -> dict[str, ColumnElement[int]]:
    return {
        "open_critical_risks": _open_risks("critical"),
        "open_high_risks": _open_risks("high"),
    }


def _first_open_due(*, gates_only: bool) -> ColumnElement[date]:
    """The earliest due date of the project's milestones not completed: as of any t, one of
    them is overdue exactly when it is before t (CONTRACT §3's overdue)."""
    found = select(func.min(milestones.c.due_date)).where(
        milestones.c.project_id == project_finance.c.project_id,
        milestones.c.completed_on.is_(None),
    )
    if gates_only:
        found = found.where(milestones.c.is_gate)
    return found.scalar_subquery()


async def _refresh_totals(conn: AsyncConnection, project_ids: Sequence[uuid.UUID] | None) -> None:
    line_count = (
        select(func.count())
        .where(
            budget_lines.c.project_id == project_finance.c.project_id,
            budget_lines.c.baseline == project_finance.c.baseline,
        )
        .scalar_subquery()
    )
    weight_total = (
        select(cast(func.coalesce(func.sum(milestones.c.weight_milli), 0), BigInteger))
        .where(milestones.c.project_id == project_finance.c.project_id)
        .scalar_subquery()
    )
    await conn.execute(
        update(project_finance)
        .where(_among(project_finance.c.project_id, project_ids))
        .values(
            baseline_lines=line_count,
            weight_milli_total=weight_total,
            first_open_due=_first_open_due(gates_only=False),
            first_open_gate_due=_first_open_due(gates_only=True),
            changed_at=utcnow(),
            # The risk counts and actions too (index lookups): one refresh leaves every
            # aggregate of the project right, for a bulk load (all projects) as for one write.
            **_risk_counts(),
            first_open_action_due=_first_open_action_due(),
        )
    )
