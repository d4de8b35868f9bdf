"""`/api/v1/portfolios/{id}/summary`: what a PMO puts on its first page for a portfolio.

One statement gives every project's earned-value inputs and health facts as of the date
(health/repository.py, which extends evm/inputs.py's inputs); the per-project figures and
health come from memoised pure functions (cache.project_row, health.rules.colour),
so a dashboard that asks again pays for SQL, not for recomputing 10,000 projects; health is
counted from the same figures (its colour only, without the explanations). Three small
statements add the top risks and the milestones coming due.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_rows
from pmo_api.core.clock import days_after, today
from pmo_api.db.database import Database
from pmo_api.db.hotpath import HotQuery
from pmo_api.evm import cache, formulas, inputs
from pmo_api.evm.service import ROLLUP_INPUTS, live_in
from pmo_api.health import repository as health_repo
from pmo_api.health.rules import STATUSES, Thresholds, colour
from pmo_api.health.service import facts_of, overdue_counts
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.projects.lifecycle import STATUSES as PROJECT_STATUSES
from pmo_api.projects.models import Grouping, projects
from pmo_api.risks import repository as risk_repo
from pmo_api.risks.service import risk_json
from pmo_api.schedule.models import milestones
from pmo_api.schedule.service import milestone_json
from pmo_api.settings import Settings

TOP_RISKS = 10
DUE_WITHIN_DAYS = 30
DUE_SHOWN = 100  # the soonest; `milestones_due_count` says how many there are

# One statement per grouping (a portfolio's projects, a programme's), compiled once.
FACTS: dict[Grouping, HotQuery[health_repo.FactsRow]] = {
    group: HotQuery(health_repo.facts(live_in(group), wide=True), health_repo.FactsRow)
    for group in Grouping
}
# A row of FACTS as the rollup's inputs row (its first columns), so that both share the rows
# of evm/cache.py.
_AS_INPUTS = {group: FACTS[group].rows.narrowed_to(ROLLUP_INPUTS[group].rows) for group in Grouping}


async def portfolio_summary(
    db: Database,
    principal: Principal,
    portfolio_id: uuid.UUID,
    as_of: date | None,
    settings: Settings,
) -> dict[str, Any]:
    async with db.read() as conn:
        portfolio = await visible_portfolio(conn, principal, portfolio_id)
    body = await summary_of(db, principal, Grouping.PORTFOLIO, portfolio, as_of, settings)
    return {"portfolio_id": portfolio["id"], **body}


async def summary_of(
    db: Database,
    principal: Principal,
    group: Grouping,
    owner: Mapping[Any, Any],
    as_of: date | None,
    settings: Settings,
) -> dict[str, Any]:
    """The summary of the live projects of a portfolio or programme (`group`; `owner` is its
    row, which the caller may see, with its `currency`): every figure a sum over them."""
    t = as_of or today()
    found = await FACTS[group].fetch(db, **{group.value: owner["id"]}, **inputs.AsOf(t).params())
    thresholds = Thresholds.of(settings)
    # The rule `actions` (off by default) counts the overdue action items of the projects
    # that have one: one more statement when it is on and some project has.
    overdue = await overdue_counts(db, found, thresholds, t)
    by_status: Counter[str] = Counter()
    by_health: Counter[str] = Counter()
    bac = pv = ev = ac = 0
    as_inputs = _AS_INPUTS[group]
    for row in found:
        figures = cache.project_row(as_inputs(row))
        bac, pv, ev, ac = bac + figures.bac, pv + figures.pv, ev + figures.ev, ac + figures.ac
        by_status[row.status] += 1
        # Only the colour: the rules without their explanations, from the figures above.
        facts = facts_of(row, figures.cpi, figures.spi, overdue.get(row.id, 0) if overdue else 0)
        judged = colour(facts, thresholds)
        if judged is not None:  # a project not in flight has no health to count
            by_health[judged] += 1
    async with db.read() as conn:
        top = await risk_repo.top_open(conn, principal, owner["id"], TOP_RISKS, group=group)
        due, due_count = await _milestones_due(
            conn, principal, projects.c[group.value] == owner["id"], t
        )
    return {
        "as_of": t,
        "currency": owner["currency"],
        "projects": {
            "total": len(found),
            "by_status": {s: by_status[s] for s in PROJECT_STATUSES},
            "by_health": {h: by_health[h] for h in STATUSES},
        },
        "budget_total": bac / 100,
        "actual_total": ac / 100,
        "evm": formulas.figures(bac=bac, pv=pv, ev=ev, ac=ac),
        "top_risks": [risk_json(r) for r in top],
        "milestones_due": due,
        "milestones_due_count": due_count,
    }


async def _milestones_due(
    conn: Any, principal: Principal, within: ColumnElement[bool], t: date
) -> tuple[list[dict[str, Any]], int]:
    """Milestones of the projects `within` not completed and due within the next 30 days
    (after t, up to t + 30)."""
    window = (
        within,
        milestones.c.completed_on.is_(None),
        milestones.c.due_date > t,
        # Up to the end of the calendar when t is within 30 days of it.
        milestones.c.due_date <= (days_after(t, DUE_WITHIN_DAYS) or date.max),
    )
    stmt = (
        readable_rows(principal, milestones, milestones, projects.c.code.label("project_code"))
        .where(*window)
        .order_by(milestones.c.due_date, milestones.c.id)
        .limit(DUE_SHOWN)
    )
    rows = (await conn.execute(stmt)).mappings().all()
    counted = readable_rows(principal, milestones, func.count()).where(*window)
    count = (await conn.execute(counted)).scalar()
    due = [
        {**milestone_json({**r, "status": "upcoming"}), "project_code": r["project_code"]}
        for r in rows
    ]
    return due, int(count or 0)
