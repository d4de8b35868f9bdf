"""KPI values: the measured ones from their table, the built-in ones computed when asked for
from the earned-value engine, the milestones, the risk register and the hours planned and
worked (never stored). Per-resource ones are in kpis/resource_feed.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_projects
from pmo_api.actions.models import OPEN_STATUSES as OPEN_ACTION_STATUSES
from pmo_api.actions.models import ActionStatus, action_items
from pmo_api.compliance import service as compliance_service
from pmo_api.core.money import from_minor
from pmo_api.evm import formulas, inputs
from pmo_api.projects.models import projects
from pmo_api.raid_issues.models import OPEN_STATUSES as ISSUE_OPEN_STATUSES
from pmo_api.raid_issues.models import raid_issues
from pmo_api.resources import project_hours
from pmo_api.risks import rules as risk_rules
from pmo_api.risks.models import risks
from pmo_api.schedule.models import milestones
from pmo_api.settings import Settings

# Built-in KPI → the earned-value figure it reports.
FROM_EARNED_VALUE = {
    "cpi": "cpi",
    "spi": "spi",
    "cost_variance": "cv",
    "schedule_variance": "sv",
    "budget_spent_percent": "percent_spent",
}
ON_TIME = "milestone_on_time_rate"
EXPOSURE = "open_risk_exposure"
HOURS = "planned_vs_actual_hours"
COMPLIANCE = "compliance"
OVERDUE_ACTIONS = "overdue_actions"
OPEN_ISSUES = "open_issues"

Values = dict[str, float | None]


async def computed(
    conn: AsyncConnection,
    project_ids: Sequence[uuid.UUID],
    dates: Sequence[date],
    settings: Settings,
) -> dict[tuple[uuid.UUID, date], Values]:
    """The built-in KPIs of each project at each date, except open_risk_exposure (which the
    risk register can only give as of now: see `exposure`). A few statements for any number of
    projects and dates."""
    out: dict[tuple[uuid.UUID, date], Values] = {}
    if not project_ids or not dates:
        return out
    for row, given in await inputs.inputs_for(conn, project_ids, dates):
        figures = formulas.figures(bac=given.bac, pv=given.pv, ev=given.ev, ac=given.ac)
        out[(row.id, row.as_of)] = {code: figures[f] for code, f in FROM_EARNED_VALUE.items()}
    for (project_id, t), rate in (await on_time_rates(conn, project_ids, dates)).items():
        out[(project_id, t)][ON_TIME] = rate
    planned = await project_hours.planned_hours(conn, project_ids, dates)
    actual = await project_hours.actual_hours(conn, project_ids, dates)
    compliance = await compliance_service.compliance_percent(conn, project_ids, dates, settings)
    overdue = await overdue_actions(conn, project_ids, dates)
    open_issues = await open_issue_counts(conn, project_ids, dates)
    for key, values in out.items():
        values.setdefault(ON_TIME, None)
        values[HOURS] = hours_percent(actual.get(key, 0.0), planned.get(key, 0.0))
        values[OVERDUE_ACTIONS] = float(overdue.get(key, 0))
        values[COMPLIANCE] = compliance.get(key)
        values[OPEN_ISSUES] = float(open_issues.get(key, 0))
    return out


async def overdue_actions(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID], dates: Sequence[date]
) -> dict[tuple[uuid.UUID, date], int]:
    """Per project and date t: its action items still to do at t and due before t (absent
    when none). Still to do at t: open or in progress, or done after t (`completed_on`); a
    cancelled one keeps no date, so it never counts. As of today this is health's rule
    `actions` count."""
    d = inputs.dates_table(dates)
    still_to_do = or_(
        action_items.c.status.in_(OPEN_ACTION_STATUSES),
        and_(
            action_items.c.status == ActionStatus.DONE.value,
            action_items.c.completed_on > d.c.t,
        ),
    )
    stmt = (
        select(action_items.c.project_id, d.c.t, func.count())
        .join(d, and_(action_items.c.due_date < d.c.t, still_to_do))
        .where(action_items.c.project_id.in_(project_ids))
        .group_by(action_items.c.project_id, d.c.t)
    )
    return {(p, t): int(n) for p, t, n in (await conn.execute(stmt)).all()}


async def open_issue_counts(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID], dates: Sequence[date]
) -> dict[tuple[uuid.UUID, date], int]:
    """Per project and date t: its issues open or in progress now, raised on or before t."""
    d = inputs.dates_table(dates)
    stmt = (
        select(raid_issues.c.project_id, d.c.t, func.count())
        .join(d, raid_issues.c.raised_on <= d.c.t)
        .where(
            raid_issues.c.project_id.in_(project_ids),
            raid_issues.c.status.in_(ISSUE_OPEN_STATUSES),
        )
        .group_by(raid_issues.c.project_id, d.c.t)
    )
    return {(pid, t): int(n) for pid, t, n in (await conn.execute(stmt)).all()}


def hours_percent(actual: float, planned: float) -> float | None:
    """Actual hours as a percentage of planned ones (100: on plan), 4 decimals; None without a
    plan (hours worked with nothing planned have no ratio to show)."""
    if planned <= 0:
        return None
    return round(actual * 100 / planned, 4)


async def on_time_rates(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID], dates: Sequence[date]
) -> dict[tuple[uuid.UUID, date], float]:
    """Per project and date t: of the milestones completed by t, the percentage completed on
    or before their due date (absent when none was completed by t)."""
    d = inputs.dates_table(dates)
    on_time = func.sum(case((milestones.c.completed_on <= milestones.c.due_date, 1), else_=0))
    stmt = (
        select(milestones.c.project_id, d.c.t, func.count(), on_time)
        .join(d, milestones.c.completed_on <= d.c.t)
        .where(milestones.c.project_id.in_(project_ids))
        .group_by(milestones.c.project_id, d.c.t)
    )
    rates: dict[tuple[uuid.UUID, date], float] = {}
    for project_id, t, completed, timely in (await conn.execute(stmt)).all():
        rate = formulas.rounded_ratio(Fraction(int(timely) * 100, int(completed)))
        assert rate is not None
        rates[(project_id, t)] = rate
    return rates


async def exposure(
    conn: AsyncConnection, principal: Principal, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[float, datetime | None]]:
    """Per project the caller may see (the others are absent), the total expected value of its
    open risks now (0 without any), and when its risks last changed (None without any)."""
    open_value = case((risks.c.status.in_(risk_rules.OPEN_STATUSES), risks.c.expected_value))
    stmt = (
        readable_projects(
            principal,
            projects.c.id,
            func.coalesce(func.sum(open_value), 0),
            func.max(risks.c.updated_at),
        )
        .outerjoin(risks, risks.c.project_id == projects.c.id)
        .where(projects.c.id.in_(project_ids))
        .group_by(projects.c.id)
    )
    return {
        project_id: (from_minor(int(total)) or 0.0, changed)
        for project_id, total, changed in (await conn.execute(stmt)).all()
    }
