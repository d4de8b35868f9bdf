"""Earned value as the API serves it: one project as of a date, a series of period ends, cost
variance by category or month, and a portfolio's rollup. The inputs come from SQL
(evm/inputs.py); every formula is evm/formulas.py's."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from operator import attrgetter
from typing import Any, Literal, NamedTuple

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Uuid,
    bindparam,
    case,
    cast,
    func,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, project_visible
from pmo_api.budget import repository as repo
from pmo_api.budget.models import budget_lines
from pmo_api.core.clock import days_after, today
from pmo_api.core.errors import Invalid
from pmo_api.core.money import from_minor
from pmo_api.db.database import Database
from pmo_api.db.hotpath import HotQuery
from pmo_api.db.sqlfuncs import month_start
from pmo_api.evm import actuals, cache, formulas, inputs
from pmo_api.evm.cache import ProjectRow
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.projects.models import Grouping, projects
from pmo_api.projects.service import visible_project

MAX_POINTS = 600  # a series of 600 period ends: ~11 years of weeks, 50 of months


def _schedule(
    t: date, given: inputs.Inputs, project: Mapping[Any, Any], plan: list[formulas.MonthlyBudget]
) -> dict[str, Any]:
    """Earned schedule (CONTRACT §4); null throughout without planned start and finish."""
    start, finish = project["start_date"], project["finish_date"]
    if start is None or finish is None:
        return dict.fromkeys(("at_days", "es_days", "spi_t", "sv_t_days", "forecast_finish"))
    es = formulas.earned_schedule(
        t, given.ev_fraction, bac=given.bac, start=start, finish=finish, baseline=plan
    )
    return {
        "at_days": es.at_days,
        "es_days": formulas.rounded_ratio(es.es_days),
        "spi_t": formulas.rounded_ratio(es.spi_t),
        "sv_t_days": formulas.rounded_ratio(es.sv_t_days),
        "forecast_finish": es.forecast_finish,
    }


def _point(
    t: date, given: inputs.Inputs, project: Mapping[Any, Any], plan: list[formulas.MonthlyBudget]
) -> dict[str, Any]:
    figures = formulas.figures(bac=given.bac, pv=given.pv, ev=given.ev, ac=given.ac)
    return {"as_of": t, **figures, **_schedule(t, given, project, plan)}


async def points(
    conn: AsyncConnection,
    projects_: Sequence[Mapping[Any, Any]],
    dates: Sequence[date],
    *,
    principal: Principal | None = None,
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Earned value of each project (rows as visible_project gives them) at each date, in
    date order: two statements, whatever the number of projects and dates. With `principal`,
    a project it may not see has no points."""
    by_id = {p["id"]: p for p in projects_}
    out: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in by_id}
    if not dates or not by_id:
        return out
    ids = list(by_id)
    scope = None if principal is None else project_visible(principal)
    found = await inputs.inputs_for(conn, ids, dates, scope=scope)
    plans = await inputs.monthly_plans(conn, ids)
    for row, given in found:
        project = by_id[row.id]
        out[row.id].append(_point(row.as_of, given, project, plans[row.id]))
    return out


def evm_body(project: Mapping[Any, Any], point: dict[str, Any]) -> dict[str, Any]:
    """A project's earned value as `GET /api/v1/projects/{project}/evm` shows it."""
    return {
        "project_id": project["id"],
        "code": project["code"],
        "currency": project["currency"],
        "ev_method": project["ev_method"],
        **point,
    }


async def project_evm(
    conn: AsyncConnection, principal: Principal, ref: str, as_of: date | None
) -> dict[str, Any]:
    project = await visible_project(conn, principal, ref)
    (point,) = (await points(conn, [project], [as_of or today()]))[project["id"]]
    return evm_body(project, point)


def period_ends(first: date, last: date, interval: Literal["month", "week"]) -> list[date]:
    """The ends of the months (or ISO weeks, ending on Sunday) that fall within [first, last]."""
    ends: list[date] = []
    if interval == "week":
        week_end = days_after(first, 6 - first.weekday())
        while week_end is not None and week_end <= last and len(ends) <= MAX_POINTS:
            ends.append(week_end)
            week_end = days_after(week_end, 7)
    else:
        month: date | None = first.replace(day=1)
        while month is not None and len(ends) <= MAX_POINTS:
            end = inputs.AsOf(month).month_end
            if end > last:
                break
            ends.append(end)
            month = days_after(end, 1)
    if len(ends) > MAX_POINTS:
        raise Invalid.field(
            ["query", "from"], f"a series has at most {MAX_POINTS} periods", "too_many_periods"
        )
    return ends


def series_dates(
    plan: tuple[date | None, date | None],
    first: date | None,
    last: date | None,
    interval: Literal["month", "week"],
    *,
    at: tuple[str, ...] = ("query",),
) -> list[date]:
    """The period ends of a series: `from` defaults to the plan's start, `to` to its finish
    (else today). `at` prefixes the location of an error (REST's query, GraphQL's arguments)."""
    start, finish = plan
    first = first or start
    last = last or finish or today()
    if first is None:
        raise Invalid.field([*at, "from"], "the project has no start date: give `from`", "missing")
    if last < first:
        raise Invalid.field([*at, "to"], f"`to` ({last}) is before `from` ({first})", "order")
    return period_ends(first, last, interval)


async def project_series(
    conn: AsyncConnection,
    principal: Principal,
    ref: str,
    *,
    first: date | None,
    last: date | None,
    interval: Literal["month", "week"],
) -> dict[str, Any]:
    project = await visible_project(conn, principal, ref)
    plan = (project["start_date"], project["finish_date"])
    series = await points(conn, [project], series_dates(plan, first, last, interval))
    return {
        "project_id": project["id"],
        "code": project["code"],
        "portfolio_id": project["portfolio_id"],
        "currency": project["currency"],
        "interval": interval,
        "data": series[project["id"]],
    }


# --- cost variance ------------------------------------------------------------------------------


def _variance_row(key: str | None, planned: int, actual: int) -> dict[str, Any]:
    variance = planned - actual
    return {
        "key": key,
        "planned": from_minor(planned),
        "actual": from_minor(actual),
        "variance": from_minor(variance),
        "variance_percent": formulas.rounded_ratio(
            None if planned == 0 else Fraction(variance * 100, planned)
        ),
    }


async def cost_variance(
    conn: AsyncConnection,
    principal: Principal,
    ref: str,
    *,
    as_of: date | None,
    group_by: Literal["category", "month"],
) -> dict[str, Any]:
    """Planned (the baseline prorated as PV is) against actual cost as of `t`, by the baseline
    and cost categories or by month. Without a baseline, the planned value has no category:
    it is reported under the key null, as are costs without a category."""
    project = await visible_project(conn, principal, ref)
    t = as_of or today()
    a = inputs.AsOf(t)
    baseline = await repo.current_baseline(conn, project["id"])
    has_lines = await repo.baseline_lines(conn, project["id"]) > 0

    by_category = group_by == "category"
    line_key = budget_lines.c.category if by_category else budget_lines.c.period
    planned_num = func.sum(
        case(
            (budget_lines.c.period < a.month, budget_lines.c.amount * a.days_in_month),
            (budget_lines.c.period == a.month, budget_lines.c.amount * t.day),
            else_=0,
        )
    )
    planned_rows = (
        await conn.execute(
            select(line_key.label("k"), cast(planned_num, BigInteger))
            .where(
                budget_lines.c.project_id == project["id"],
                budget_lines.c.baseline == baseline,
                budget_lines.c.period <= a.month,
            )
            .group_by(line_key)
        )
    ).all()
    # Every source of actual cost (evm/actuals.py), summed by category or month through t.
    parts = [
        select(
            (a.category if by_category else month_start(a.on)).label("k"), a.amount.label("amount")
        ).where(a.project_id == project["id"], a.on <= t)
        for a in actuals.SOURCES
    ]
    each = union_all(*parts).subquery()
    actual_rows = (
        await conn.execute(
            select(each.c.k, cast(func.sum(each.c.amount), BigInteger)).group_by(each.c.k)
        )
    ).all()

    def label(key: Any) -> str | None:
        if key is None or by_category:
            return None if key is None else str(key)
        month = key if isinstance(key, date) else date.fromisoformat(str(key))
        return f"{month.year:04d}-{month.month:02d}"

    planned: dict[str | None, int] = {}
    for key, num in planned_rows:
        planned[label(key)] = formulas.rounded_cents(Fraction(int(num), a.days_in_month))
    if not has_lines:
        planned = _even_plan(project, t, group_by)
    actual = {label(key): int(total) for key, total in actual_rows}
    keys = sorted(set(planned) | set(actual), key=lambda k: (k is None, k or ""))
    return {
        "project_id": project["id"],
        "as_of": t,
        "group_by": group_by,
        "currency": project["currency"],
        "data": [_variance_row(k, planned.get(k, 0), actual.get(k, 0)) for k in keys],
    }


def _even_plan(
    project: Mapping[Any, Any], t: date, group_by: Literal["category", "month"]
) -> dict[str | None, int]:
    """Planned value without a baseline: BAC spread evenly over the plan dates (§4), all under
    the key null by category, or month by month (each month's PV growth) by month."""
    start, finish, bac = project["start_date"], project["finish_date"], project["budget"]

    def pv(day: date) -> Fraction:
        return formulas.planned_value(day, bac=bac, start=start, finish=finish)

    if group_by == "category" or start is None or finish is None:
        total = formulas.rounded_cents(pv(t))
        return {None: total} if total else {}
    out: dict[str | None, int] = {}
    month: date | None = start.replace(day=1)
    before = Fraction(0)
    while month is not None and month <= t:
        end = min(inputs.AsOf(month).month_end, t)
        now = pv(end)
        out[f"{month.year:04d}-{month.month:02d}"] = formulas.rounded_cents(
            now
        ) - formulas.rounded_cents(before)
        month, before = days_after(end, 1), now
    return out


# --- portfolio ----------------------------------------------------------------------------------

ROW_FIELDS = ("project_id", "code", "name", "status", *formulas.FIGURES)


def live_in(group: Grouping) -> ColumnElement[bool]:
    """The live projects of one portfolio or programme (its id bound under the column's name)."""
    return (projects.c[group.value] == bindparam(group.value, type_=Uuid)) & LIVE


# The rollup's one statement per grouping, compiled once (db/hotpath.py): it reads one
# aggregate row per project, so its cost is in presenting 10,000 rows, not in SQL.
ROLLUP_INPUTS: dict[Grouping, HotQuery[inputs.InputsRow]] = {
    group: HotQuery(inputs.statement(live_in(group), None, wide=True), inputs.InputsRow)
    for group in Grouping
}
PORTFOLIO_INPUTS = ROLLUP_INPUTS[Grouping.PORTFOLIO]


class PortfolioEvm(NamedTuple):
    portfolio: Mapping[Any, Any]
    as_of: date
    rollup: dict[str, float | None]
    rows: list[ProjectRow]

    def body(self, *, json_rows: bool = False) -> dict[str, Any]:
        """As the API shows it; `json_rows` embeds each row's ready JSON (for a JSON body)."""
        return {
            "portfolio_id": self.portfolio["id"],
            "as_of": self.as_of,
            "currency": self.portfolio["currency"],
            "rollup": self.rollup,
            "projects": [orjson.Fragment(r.json) if json_rows else r.body for r in self.rows],
        }


async def portfolio_evm(
    db: Database, principal: Principal, portfolio_id: uuid.UUID, as_of: date | None
) -> PortfolioEvm:
    """The portfolio's rollup and one row per project. The rollup sums the projects' BAC, PV,
    EV and AC as their rows show them (in cents), so a BI tool that adds the rows up gets the
    rollup exactly; every index is computed from those sums, never averaged."""
    async with db.read() as conn:
        portfolio = await visible_portfolio(conn, principal, portfolio_id)
    t = as_of or today()
    rollup, rows = await rollup_of(db, Grouping.PORTFOLIO, portfolio_id, t)
    return PortfolioEvm(portfolio, t, rollup, rows)


async def rollup_of(
    db: Database, group: Grouping, group_id: uuid.UUID, t: date
) -> tuple[dict[str, float | None], list[ProjectRow]]:
    """The rollup of the live projects of one portfolio or programme (`group`; the caller has
    checked it may see it) as of `t`, and their rows in code order. The rollup sums the rows'
    BAC, PV, EV and AC (in cents); every index is computed from those sums, never averaged."""
    params = {group.value: group_id, **inputs.AsOf(t).params()}
    found = await ROLLUP_INPUTS[group].fetch(db, **params)
    # In code order; sorted here rather than in SQL, where a collated text sort of 10,000 wide
    # rows costs more than the whole statement's joins.
    ordered = sorted(found, key=attrgetter("code"))
    rows = [cache.project_row(row) for row in ordered]
    bac = sum(r.bac for r in rows)
    pv = sum(r.pv for r in rows)
    ev = sum(r.ev for r in rows)
    ac = sum(r.ac for r in rows)
    return formulas.figures(bac=bac, pv=pv, ev=ev, ac=ac), rows
