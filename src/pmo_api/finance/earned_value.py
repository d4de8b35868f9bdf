"""Earned value as the API serves it: one project as of a date, a series of period ends, cost
variance by category or month, and a portfolio's rollup. The inputs come from SQL
(finance/engine.py); every formula is finance/evm.py's."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from operator import itemgetter
from typing import Any, Literal, NamedTuple

import orjson
from sqlalchemy import BigInteger, Uuid, bindparam, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.errors import Invalid
from pmo_api.core.money import from_minor
from pmo_api.core.responses import dumps
from pmo_api.db.database import Database
from pmo_api.db.hotpath import HotQuery
from pmo_api.db.sqlfuncs import month_start
from pmo_api.finance import engine, evm
from pmo_api.finance import repository as repo
from pmo_api.finance.aggregates import budget_lines, cost_entries, projects
from pmo_api.finance.service import today
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.projects.service import visible_project

MAX_POINTS = 600  # a series of 600 period ends: ~11 years of weeks, 50 of months


def _schedule(
    t: date, inputs: engine.Inputs, project: Mapping[Any, Any], plan: list[evm.MonthlyBudget]
) -> dict[str, Any]:
    """Earned schedule (CONTRACT §4); null throughout without planned start and finish."""
    start, finish = project["start_date"], project["finish_date"]
    if start is None or finish is None:
        return dict.fromkeys(("at_days", "es_days", "spi_t", "sv_t_days", "forecast_finish"))
    es = evm.earned_schedule(
        t, inputs.ev_fraction, bac=inputs.bac, start=start, finish=finish, baseline=plan
    )
    return {
        "at_days": es.at_days,
        "es_days": evm.rounded_ratio(es.es_days),
        "spi_t": evm.rounded_ratio(es.spi_t),
        "sv_t_days": evm.rounded_ratio(es.sv_t_days),
        "forecast_finish": es.forecast_finish,
    }


def _point(
    t: date, inputs: engine.Inputs, project: Mapping[Any, Any], plan: list[evm.MonthlyBudget]
) -> dict[str, Any]:
    figures = evm.figures(bac=inputs.bac, pv=inputs.pv, ev=inputs.ev, ac=inputs.ac)
    return {"as_of": t, **figures, **_schedule(t, inputs, project, plan)}


async def points(
    conn: AsyncConnection, projects_: Sequence[Mapping[Any, Any]], dates: Sequence[date]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Earned value of each project (rows as visible_project gives them) at each date, in
    date order: two statements, whatever the number of projects and dates."""
    by_id = {p["id"]: p for p in projects_}
    out: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in by_id}
    if not dates or not by_id:
        return out
    ids = list(by_id)
    found = await engine.inputs_for(conn, ids, dates)
    plans = await engine.monthly_plans(conn, ids)
    for row, inputs in found:
        project = by_id[row.id]
        out[row.id].append(_point(row.as_of, inputs, project, plans[row.id]))
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
        end = first + timedelta(days=6 - first.weekday())
        while end <= last and len(ends) <= MAX_POINTS:
            ends.append(end)
            end += timedelta(days=7)
    else:
        month = first.replace(day=1)
        while len(ends) <= MAX_POINTS:
            end = engine.AsOf(month).month_end
            if end > last:
                break
            ends.append(end)
            month = end + timedelta(days=1)
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
        "variance_percent": evm.rounded_ratio(
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
    a = engine.AsOf(t)
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
    cost_key = cost_entries.c.category if by_category else month_start(cost_entries.c.incurred_on)
    actual_rows = (
        await conn.execute(
            select(cost_key.label("k"), cast(func.sum(cost_entries.c.amount), BigInteger))
            .where(cost_entries.c.project_id == project["id"], cost_entries.c.incurred_on <= t)
            .group_by(cost_key)
        )
    ).all()

    def label(key: Any) -> str | None:
        if key is None or by_category:
            return None if key is None else str(key)
        month = key if isinstance(key, date) else date.fromisoformat(str(key))
        return f"{month.year:04d}-{month.month:02d}"

    planned: dict[str | None, int] = {}
    for key, num in planned_rows:
        planned[label(key)] = evm.rounded_cents(Fraction(int(num), a.days_in_month))
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
        return evm.planned_value(day, bac=bac, start=start, finish=finish)

    if group_by == "category" or start is None or finish is None:
        total = evm.rounded_cents(pv(t))
        return {None: total} if total else {}
    out: dict[str | None, int] = {}
    month, before = start.replace(day=1), Fraction(0)
    while month <= t:
        end = min(engine.AsOf(month).month_end, t)
        now = pv(end)
        out[f"{month.year:04d}-{month.month:02d}"] = evm.rounded_cents(now) - evm.rounded_cents(
            before
        )
        month, before = end + timedelta(days=1), now
    return out


# --- portfolio ----------------------------------------------------------------------------------

ROW_FIELDS = ("project_id", "code", "name", "status", *evm.FIGURES)

_LIVE_IN_PORTFOLIO = (projects.c.portfolio_id == bindparam("portfolio_id", type_=Uuid)) & (
    projects.c.archived_at.is_(None)
)
# The rollup's one statement, compiled once (db/hotpath.py): it reads one aggregate row per
# project, so its cost is in presenting 10,000 rows, not in SQL.
PORTFOLIO_INPUTS = HotQuery(engine.inputs(_LIVE_IN_PORTFOLIO, None, wide=True))
_ID, _CODE, _NAME, _STATUS, _AS_OF = (
    engine.INPUT_COLUMNS.index(n) for n in ("id", "code", "name", "status", "as_of")
)


class ProjectRow(NamedTuple):
    """One project's row of a portfolio rollup, as JSON, and the cents the rollup sums."""

    json: bytes
    bac: int
    pv: int
    ev: int
    ac: int
    cpi: float | None
    spi: float | None

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = orjson.loads(self.json)
        return body


def _project_row(inputs_row: tuple[Any, ...]) -> ProjectRow:
    inputs = engine.inputs_of(inputs_row)
    figures = evm.figures(bac=inputs.bac, pv=inputs.pv, ev=inputs.ev, ac=inputs.ac)
    body = {
        "project_id": inputs_row[_ID],
        "code": inputs_row[_CODE],
        "name": inputs_row[_NAME],
        "status": inputs_row[_STATUS],
        **figures,
    }
    pv, ev = round(figures["pv"] * 100), round(figures["ev"] * 100)  # type: ignore[operator]
    # orjson's bytes keep the capacity of its write buffer (~8 kB for any small document): the
    # cache keeps a copy of the exact length (~400 bytes) instead.
    json = bytes(memoryview(dumps(body)))
    return ProjectRow(json, inputs.bac, pv, ev, inputs.ac, figures["cpi"], figures["spi"])


class ProjectRows:
    """The rows already computed: per project and as-of date, the row of the latest inputs seen
    (an LRU of `size` entries, ~2 kB each with the inputs they are checked against).

    Keyed by the project, not by its inputs: a project whose costs or milestones change replaces
    its row rather than adding one, so memory follows the projects shown, not the writes made
    since the process started. (A cache keyed by the inputs kept a stale row for every past
    version of every project until full: the 10-minute soak of `make loadtest` showed it as the
    server's memory rising with every write.)"""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[Any, Any], tuple[tuple[Any, ...], ProjectRow]]
        self._rows = OrderedDict()

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        self._rows.clear()

    def __call__(self, inputs_row: tuple[Any, ...]) -> ProjectRow:
        key = (inputs_row[_ID], inputs_row[_AS_OF])
        kept = self._rows.get(key)
        if kept is not None and kept[0] == inputs_row:
            self._rows.move_to_end(key)
            return kept[1]
        row = _project_row(inputs_row)
        self._rows[key] = (inputs_row, row)
        self._rows.move_to_end(key)
        while len(self._rows) > self.size:
            self._rows.popitem(last=False)
        return row


# Two portfolio rollups of 10,000 projects (two as-of dates), in ~40 MB.
PROJECT_ROWS = ProjectRows(20_000)


def project_row(inputs_row: tuple[Any, ...]) -> ProjectRow:
    """The row of one project from its SQL inputs. A pure function of them, so it is kept
    (PROJECT_ROWS): a dashboard asking for the same portfolio again recomputes only the
    projects whose inputs changed since (new costs, another as-of date...). Computing the
    figures and JSON of 10,000 projects costs ~100 ms of Python; finding them again, ~5."""
    return PROJECT_ROWS(inputs_row)


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
    found = await PORTFOLIO_INPUTS.fetch(db, portfolio_id=portfolio_id, **engine.AsOf(t).params())
    # In code order; sorted here rather than in SQL, where a collated text sort of 10,000 wide
    # rows costs more than the whole statement's joins.
    ordered = sorted(found, key=itemgetter(_CODE))
    rows = [project_row(tuple(row)) for row in ordered]
    bac = sum(r.bac for r in rows)
    pv = sum(r.pv for r in rows)
    ev = sum(r.ev for r in rows)
    ac = sum(r.ac for r in rows)
    return PortfolioEvm(portfolio, t, evm.figures(bac=bac, pv=pv, ev=ev, ac=ac), rows)
