"""The demo PMO for `make run` (demo_data.py says what it holds), created through the same
services as the API so that every rule applies to it: baselines, costs, milestones and gates,
progress, risks, KPI measurements and a published status report per project in flight, the
people working on them (demo_resources.py, demo_people.py), two gate reviews (demo_gates.py)
and a methodology template with a proposed project planned from it (demo_templates.py)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import LOCAL_ADMIN
from pmo_api.budget import service as budget
from pmo_api.budget.schemas import BaselinePut, BudgetLineIn, CostCreate
from pmo_api.core.clock import today
from pmo_api.core.etags import NO_PRECONDITION
from pmo_api.core.listing import ListQuery
from pmo_api.db.database import Database
from pmo_api.demo_data import (
    CSAT,
    MEDIUM_RISK,
    PORTFOLIOS,
    PROGRAMS,
    PROJECTS,
    RISKS,
    DemoProject,
)
from pmo_api.demo_gates import load_gate_reviews
from pmo_api.demo_raid import load_raid
from pmo_api.demo_resources import load_resources
from pmo_api.demo_templates import load_template
from pmo_api.kpis import service as kpis
from pmo_api.kpis.schemas import KpiCreate, MeasurementCreate
from pmo_api.portfolios import repository as portfolio_repo
from pmo_api.portfolios import service as portfolios
from pmo_api.portfolios.schemas import ObjectiveCreate, PortfolioCreate
from pmo_api.programs import service as programs
from pmo_api.programs.schemas import ProgramCreate
from pmo_api.projects import service as projects
from pmo_api.projects.schemas import ProjectCreate
from pmo_api.reports import service as reports
from pmo_api.reports.schemas import ReportCreate
from pmo_api.risks import service as risks
from pmo_api.risks.schemas import RiskCreate
from pmo_api.schedule import service as schedule
from pmo_api.schedule.schemas import MilestoneCreate, ProgressCreate
from pmo_api.settings import Settings

ADMIN = LOCAL_ADMIN
IN_FLIGHT = ("active", "on_hold")
ZERO = Decimal(0)


def _month(t: date, offset: int) -> date:
    """The first day of the month `offset` months from t's."""
    index = t.year * 12 + t.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _planned(p: DemoProject, t: date) -> Decimal:
    """PV as of t (evm/formulas: whole months before t's, t's month by its days elapsed)."""
    per_month = Decimal(p.budget) / p.months
    pv = Decimal(0)
    for i in range(p.months):
        month = _month(t, p.start + i)
        if month < _month(t, 0):
            pv += per_month
        elif month == _month(t, 0):
            pv += per_month * t.day / calendar.monthrange(t.year, t.month)[1]
    return pv


async def _portfolio(conn: AsyncConnection, key: str) -> Any:
    name, description, currency, owner, objectives = PORTFOLIOS[key]
    data = PortfolioCreate(name=name, description=description, currency=currency, owner=owner)
    portfolio = await portfolios.create_portfolio(conn, principal=ADMIN, data=data)
    for objective, weight in objectives:
        await portfolios.create_objective(
            conn,
            principal=ADMIN,
            portfolio_id=portfolio["id"],
            data=ObjectiveCreate(name=objective, weight=weight),
        )
    return portfolio["id"]


async def _programs(conn: AsyncConnection, portfolio_ids: dict[str, Any]) -> dict[str, Any]:
    """The demo's programmes; returns the programme id of each of their projects' codes."""
    of_project: dict[str, Any] = {}
    for program in PROGRAMS:
        portfolio_id = portfolio_ids[program.portfolio]
        listing = await portfolios.list_objectives(
            conn, ADMIN, portfolio_id, ListQuery(100, None, None, None, None)
        )
        named = {row["name"]: row["id"] for row in listing[0]}
        data = ProgramCreate(
            name=program.name,
            description=program.description,
            sponsor=program.sponsor,
            manager=program.manager,
            status="active",
            objectives=[named[o] for o in program.objectives],
        )
        created = await programs.create_program(
            conn, principal=ADMIN, portfolio_id=portfolio_id, data=data
        )
        of_project |= {code: created["id"] for code in program.projects}
    return of_project


async def _plan(
    conn: AsyncConnection, p: DemoProject, portfolio_id: Any, t: date, program_id: Any = None
) -> tuple[date, date]:
    """The project and its baseline; returns its start and finish."""
    start = _month(t, p.start)
    finish = _month_end(_month(t, p.start + p.months - 1))
    data = ProjectCreate(
        code=p.code,
        portfolio_id=portfolio_id,
        program_id=program_id,
        name=p.name,
        status=p.status,
        priority=p.priority,
        start_date=start,
        finish_date=finish,
        budget=Decimal(p.budget),
        sponsor=p.sponsor,
        manager=p.manager,
        tags=list(p.tags),
        objectives=[f"Deliver {p.name.lower()}"],
        ev_method="percent_complete",
        actual_start=start if p.start < 0 else None,
        actual_finish=finish if p.status == "completed" else None,
    )
    await projects.create_project(conn, principal=ADMIN, data=data)
    # Even months in cents, the last taking the remainder: the lines sum to the budget exactly.
    cents, rest = divmod(p.budget * 100, p.months)
    lines = [
        BudgetLineIn(
            period=_month(t, p.start + i).strftime("%Y-%m"),
            amount=Decimal(cents + (rest if i == p.months - 1 else 0)) / 100,
        )
        for i in range(p.months)
    ]
    await budget.put_baseline(
        conn,
        principal=ADMIN,
        ref=p.code,
        data=BaselinePut(lines=lines),
        precondition=NO_PRECONDITION,
    )
    return start, finish


async def _delivery(
    conn: AsyncConnection,
    p: DemoProject,
    span: tuple[date, date],
    t: date,
    settings: Settings,
    labour: Decimal,
) -> None:
    """What a started project did: milestones, progress, costs (`labour`, its time entries'
    cost, already in), its register and status report."""
    if p.start >= 0:
        return  # not started: a plan and nothing else
    start, finish = span
    await _milestones(conn, p, start, finish, t)
    done = Decimal(100) if p.status == "completed" else _planned(p, t) * 100 / p.budget
    percent = min(Decimal(100), round(done * Decimal(p.spi), 2))
    if p.status == "cancelled":
        percent = round(percent / 2, 2)
    await schedule.create_progress(
        conn, principal=ADMIN, ref=p.code, data=ProgressCreate(as_of=t, percent_complete=percent)
    )
    actual = Decimal(p.budget) * percent / 100 / Decimal(p.cpi)
    await _costs(conn, p, start, t, actual - labour)
    if p.status in IN_FLIGHT:
        await _register(conn, p, t, settings)


async def _milestones(
    conn: AsyncConnection, p: DemoProject, start: date, finish: date, t: date
) -> None:
    middle = start + (finish - start) / 2
    kickoff = start + timedelta(days=14)
    plan = [
        ("Business case approved", kickoff, True, kickoff),
        ("Design sign-off", middle, True, middle if middle <= t else None),
        ("Go-live", finish, False, finish if finish <= t else None),
    ]
    if p.finding == "overdue_gate":
        plan[1] = ("Design sign-off", t - timedelta(days=12), True, None)
    if p.finding == "high":
        plan.append(("Content migration rehearsal", t - timedelta(days=5), False, None))
    for name, due, gate, completed in plan:
        data = MilestoneCreate(name=name, due_date=due, is_gate=gate, completed_on=completed)
        await schedule.create_milestone(conn, principal=ADMIN, ref=p.code, data=data)


async def _costs(
    conn: AsyncConnection, p: DemoProject, start: date, t: date, actual: Decimal
) -> None:
    """`actual` in monthly invoices, the last incurred no later than t. Staff labour is in the
    time entries (demo_resources.py), so the invoices are what they leave out (contractors,
    vendors): docs/resources.md, "counting once"."""
    months = max(1, min(p.months, -p.start))
    for i in range(months):
        incurred = min(t, _month(start, i) + timedelta(days=20))
        data = CostCreate(
            incurred_on=incurred,
            amount=round(actual / months, 2),
            category="vendor" if i % 2 else "contractors",
            external_ref=f"{p.code}-INV-{i + 1:03d}",
        )
        await budget.record_cost(conn, principal=ADMIN, ref=p.code, data=data)


async def _register(conn: AsyncConnection, p: DemoProject, t: date, settings: Settings) -> None:
    """Risks, monthly KPI measurements and last month's published status report."""
    found = [RISKS[p.finding]] if p.finding in RISKS else []
    for title, probability, impact, category in (MEDIUM_RISK, *found):
        data = RiskCreate(title=title, probability=probability, impact=impact, category=category)
        await risks.create_risk(conn, principal=ADMIN, ref=p.code, data=data)
    for i in range(3, 0, -1):
        value = 86 - 4 * i if p.finding in ("critical", "high") else 84 + i
        measured = MeasurementCreate(measured_on=_month(t, -i), value=value)
        await kpis.record_measurement(
            conn, principal=ADMIN, ref=p.code, code=CSAT[0], data=measured
        )
    verdict = "green" if p.finding is None and min(p.spi, p.cpi) >= 0.95 else "amber"
    report = await reports.create_report(
        conn,
        principal=ADMIN,
        ref=p.code,
        data=ReportCreate(
            period_end=_month(t, 0) - timedelta(days=1),
            overall=verdict,
            schedule="green" if p.spi >= 0.95 else "amber",
            cost="green" if p.cpi >= 0.95 else "amber",
            scope="green",
            summary=f"{p.name}: monthly status.",
        ),
    )
    await reports.publish_report(
        conn, principal=ADMIN, object_id=report["id"], precondition=NO_PRECONDITION,
        settings=settings,
    )  # fmt: skip


async def seed_demo(settings: Settings, *, only_if_empty: bool) -> bool:
    db = Database(settings)
    t = today()
    try:
        async with db.write() as conn:
            if only_if_empty:
                has_any = await conn.execute(
                    select(exists().where(portfolio_repo.portfolios.c.id.isnot(None)))
                )
                if has_any.scalar():
                    return False
            code, name, unit, target, amber, red = CSAT
            kpi = KpiCreate(
                code=code, name=name, unit=unit, direction="higher_is_better",
                target=target, amber_threshold=amber, red_threshold=red,
            )  # fmt: skip
            await kpis.create_kpi(conn, principal=ADMIN, data=kpi)
            ids = {key: await _portfolio(conn, key) for key in PORTFOLIOS}
            in_program = await _programs(conn, ids)
            spans = {
                p.code: await _plan(conn, p, ids[p.portfolio], t, in_program.get(p.code))
                for p in PROJECTS
            }
            # People work on the projects before their costs are booked: what their time
            # entries cost is left out of the invoices, so each project's actual cost (and
            # the health it makes) stays the one demo_data.py plans.
            labour = await load_resources(conn, t, spans)
            for p in PROJECTS:
                await _delivery(conn, p, spans[p.code], t, settings, labour.get(p.code, ZERO))
            await load_gate_reviews(conn, t, spans)
            await load_template(conn, ids["operations"], t)
            await load_raid(conn, t)
        return True
    finally:
        await db.dispose()
