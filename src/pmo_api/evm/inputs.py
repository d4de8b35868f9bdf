"""Earned value backed by SQL: the database computes each project's inputs as of a date (BAC,
the planned, actual and earned amounts), and evm/formulas.py turns them into figures.

The inputs come from the maintained aggregates (evm/aggregates.py): per project, the month
row at or before the month of `t` gives the running totals, and only when that month has rows
dated after `t` are those subtracted (an index range within one month). So a rollup reads one
aggregate row per project, never every cost entry, and the same statement serves one project,
a portfolio, or a series of dates.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, NamedTuple, Protocol

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Subquery

from pmo_api.db.sqlfuncs import day_number
from pmo_api.evm import actuals, formulas
from pmo_api.evm.models import evm_months, project_finance
from pmo_api.projects.models import projects
from pmo_api.schedule.models import milestones, progress_records

PERCENT_SCALE = 10_000  # percent_hundredths of 100 %


@dataclass(frozen=True)
class AsOf:
    """A date `t` with the calendar facts the SQL needs about its month, computed here so the
    statement needs no dialect-specific date functions."""

    t: date

    def params(self) -> dict[str, Any]:
        """The values of the bind parameters of `dates_table()` (no dates given) for `t`."""
        return {
            "t": self.t,
            "m": self.month,
            "m_end": self.month_end,
            "t_day": self.t.day,
            "dim": self.days_in_month,
            "t_num": self.t.toordinal(),
        }

    @property
    def month(self) -> date:
        return self.t.replace(day=1)

    @property
    def days_in_month(self) -> int:
        return calendar.monthrange(self.t.year, self.t.month)[1]

    @property
    def month_end(self) -> date:
        return self.t.replace(day=self.days_in_month)


_DATE_COLUMNS = (
    ("t", Date),
    ("m", Date),
    ("m_end", Date),
    ("t_day", Integer),
    ("dim", Integer),
    ("t_num", Integer),
)


def dates_table(dates: Sequence[date] | None) -> Subquery:
    """One row per date, with its month facts: the `d` that the inputs statement joins. With
    no dates, one row of bind parameters (AsOf.params()), for a statement compiled once."""
    if dates is None:
        one = select(*(bindparam(n, type_=t).label(n) for n, t in _DATE_COLUMNS))
        return one.subquery("d")
    selects = [
        select(
            literal(t, Date).label("t"),
            literal(a.month, Date).label("m"),
            literal(a.month_end, Date).label("m_end"),
            literal(t.day, Integer).label("t_day"),
            literal(a.days_in_month, Integer).label("dim"),
            literal(t.toordinal(), Integer).label("t_num"),
        )
        for t in dates
        for a in (AsOf(t),)
    ]
    combined = selects[0] if len(selects) == 1 else union_all(*selects)
    return combined.subquery("d")


def statement(
    where: ColumnElement[bool],
    dates: Sequence[date] | None,
    *,
    wide: bool = False,
    extra: Sequence[ColumnElement[Any]] = (),
) -> Select[Any]:
    """Per project (matching `where`) and date: the inputs of its earned value as of the date
    (with `dates` None: as of the date given by AsOf.params()). `wide` is for a `where` that
    matches many projects (a portfolio): the rows after t in t's month are then summed for
    every project in one range scan, cheaper than finding the matching projects again.
    `extra`: more columns of the projects or project_finance tables, after INPUT_COLUMNS."""
    d = dates_table(dates)
    b = evm_months.alias("b")
    p = projects
    f = project_finance
    # The project's row for the latest month with activity on or before t's month.
    latest = and_(
        b.c.project_id == p.c.id,
        b.c.month <= d.c.m,
        or_(b.c.next_month > d.c.m, b.c.next_month.is_(None)),
    )
    in_month = b.c.month == d.c.m
    # What was recorded after t within t's month, per project and date: one grouped range scan
    # over the month's rows (covering indexes on the date), not a lookup per project.
    narrow = None if wide else where
    cost_after_t = _after_t([(a.project_id, a.on, a.amount) for a in actuals.SOURCES], narrow, d)
    earned_after_t = _after_t(
        [(milestones.c.project_id, milestones.c.completed_on, milestones.c.weight_milli)], narrow, d
    )
    latest_percent = (
        select(progress_records.c.percent_hundredths)
        .where(progress_records.c.project_id == p.c.id, progress_records.c.as_of <= d.c.t)
        .order_by(progress_records.c.as_of.desc())
        .limit(1)
        .scalar_subquery()
    )

    def through_t(cum: Any, after_t: Subquery) -> ColumnElement[int]:
        return case(
            (b.c.month.is_(None), 0),
            (in_month, cum - func.coalesce(after_t.c.amount, 0)),
            else_=cum,
        )

    start_n = day_number(p.c.start_date)
    return (
        select(
            p.c.id,
            p.c.code,
            p.c.name,
            p.c.status,
            p.c.portfolio_id,
            d.c.t.label("as_of"),
            p.c.budget.label("bac"),
            p.c.ev_method,
            p.c.start_date,
            p.c.finish_date,
            func.coalesce(f.c.baseline_lines, 0).label("baseline_lines"),
            case(
                (b.c.month.is_(None), 0),
                (in_month, b.c.planned_cum - b.c.planned),
                else_=b.c.planned_cum,
            ).label("planned_before"),
            case((in_month, b.c.planned), else_=0).label("planned_in_month"),
            d.c.t_day,
            d.c.dim,
            (d.c.t_num - start_n + 1).label("elapsed"),
            (day_number(p.c.finish_date) - start_n + 1).label("duration"),
            through_t(b.c.actual_cum, cost_after_t).label("ac"),
            through_t(b.c.earned_milli_cum, earned_after_t).label("earned_milli"),
            func.coalesce(f.c.weight_milli_total, 0).label("weight_milli_total"),
            case((p.c.ev_method == "percent_complete", latest_percent)).label("percent"),
            *extra,
        )
        .select_from(
            p.join(d, true())
            .outerjoin(f, f.c.project_id == p.c.id)
            .outerjoin(b, latest)
            .outerjoin(
                cost_after_t,
                and_(cost_after_t.c.project_id == p.c.id, cost_after_t.c.t == d.c.t),
            )
            .outerjoin(
                earned_after_t,
                and_(earned_after_t.c.project_id == p.c.id, earned_after_t.c.t == d.c.t),
            )
        )
        .where(where)
    )


def _after_t(
    sources: Sequence[tuple[Any, Any, Any]], where: ColumnElement[bool] | None, d: Subquery
) -> Subquery:
    """Per project (of `where`; None: every project) and date t: the sum of the amounts of
    `sources` (each a project id, date and amount column of one table) dated after t in t's
    month. Each table is summed by its own index range; several are added up after."""
    parts = []
    for project_id, on, amount in sources:
        part = select(
            project_id.label("project_id"),
            d.c.t,
            cast(func.sum(amount), BigInteger).label("amount"),
        )
        if where is None:
            part = part.select_from(project_id.table)
        else:
            part = part.select_from(projects).join(project_id.table, project_id == projects.c.id)
            part = part.where(where)
        parts.append(part.join(d, and_(on > d.c.t, on <= d.c.m_end)).group_by(project_id, d.c.t))
    if len(parts) == 1:
        return parts[0].subquery()
    each = union_all(*parts).subquery()
    return (
        select(
            each.c.project_id, each.c.t, cast(func.sum(each.c.amount), BigInteger).label("amount")
        )
        .group_by(each.c.project_id, each.c.t)
        .subquery()
    )


class Inputs(NamedTuple):
    """A project's earned-value inputs as of `t`, exact: amounts in cents, as numerator and
    denominator where a share of a month, a day or a weight makes them fractional."""

    bac: int
    pv: formulas.Rational
    ev: formulas.Rational
    ac: int

    @property
    def ev_fraction(self) -> Fraction:
        return Fraction(*self.ev)


INPUT_COLUMNS: tuple[str, ...] = tuple(statement(true(), [date.min]).selected_columns.keys())


class InputsRow(Iterable[Any], Protocol):
    """A row of `statement`, read by name (db/hotpath.NamedRows; SQLAlchemy's rows alike);
    iterated, its values in column order."""

    id: uuid.UUID
    code: str
    name: str
    status: str
    portfolio_id: uuid.UUID
    as_of: date
    bac: int
    ev_method: str
    start_date: date | None
    finish_date: date | None
    baseline_lines: int
    planned_before: int
    planned_in_month: int
    t_day: int
    dim: int
    elapsed: int | None
    duration: int | None
    ac: int
    earned_milli: int
    weight_milli_total: int
    percent: int | None


def inputs_of(row: InputsRow) -> Inputs:
    """CONTRACT §4's PV and EV from one row of `inputs`, in a few integer operations."""
    bac = int(row.bac)
    pv: formulas.Rational
    if row.baseline_lines:
        # Whole months before t's month, and t's month in proportion to its days elapsed.
        dim = int(row.dim)
        pv = (int(row.planned_before) * dim + int(row.planned_in_month) * int(row.t_day), dim)
    elif row.duration is not None and row.duration > 0:
        # BAC spread evenly over the planned days, both ends inclusive.
        duration = int(row.duration)
        pv = (bac * max(0, min(int(row.elapsed or 0), duration)), duration)
    else:
        pv = (0, 1)
    ev: formulas.Rational
    if row.ev_method == "percent_complete":
        ev = (bac * int(row.percent or 0), PERCENT_SCALE)
    elif row.weight_milli_total:
        ev = (bac * int(row.earned_milli), int(row.weight_milli_total))
    else:
        ev = (0, 1)  # no milestones: nothing earned
    return Inputs(bac, pv, ev, int(row.ac))


async def inputs_for(
    conn: AsyncConnection,
    project_ids: Sequence[uuid.UUID],
    dates: Sequence[date],
    *,
    scope: ColumnElement[bool] | None = None,
) -> list[tuple[Any, Inputs]]:
    """The inputs of each project (of those `scope` admits, on `projects`) at each date, by
    project and date, in one statement."""
    where: ColumnElement[bool] = projects.c.id.in_(project_ids)
    if scope is not None:
        where = and_(where, scope)
    stmt = statement(where, dates).order_by(projects.c.id, "as_of")
    return [(row, inputs_of(row)) for row in (await conn.execute(stmt)).all()]


async def monthly_plans(
    conn: AsyncConnection, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[formulas.MonthlyBudget]]:
    """Each project's current baseline as monthly totals (the earned-schedule curve), in one
    statement for any number of projects."""
    stmt = (
        select(evm_months.c.project_id, evm_months.c.month, evm_months.c.planned)
        .where(evm_months.c.project_id.in_(project_ids), evm_months.c.planned != 0)
        .order_by(evm_months.c.project_id, evm_months.c.month)
    )
    plans: dict[uuid.UUID, list[formulas.MonthlyBudget]] = {i: [] for i in project_ids}
    for row in (await conn.execute(stmt)).all():
        plans[row.project_id].append(
            formulas.MonthlyBudget(month=row.month, amount=int(row.planned))
        )
    return plans
