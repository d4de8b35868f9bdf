"""Compliance of projects with the PMO's rules (compliance/rules.py), per project, per
portfolio and as the built-in KPI `compliance`.

A request first reads, for every project asked for (and every date, for the KPI feed), what a
kept judgement depends on (`narrow`): the project's own fields and its compliance stamp, whose
token every write to the project's other inputs replaces (compliance/stamps.py). The projects
whose judgement is kept with the same values (compliance/cache.py) are answered from it; for
the others one statement judges every rule (`statement`): each rule's grouped statement is
LEFT JOINed to the projects in one SELECT, so 10,000 projects cost one round trip, each table
read once, and Python only turns each row into its results.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, and_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, project_visible, readable_portfolios
from pmo_api.compliance import governance_rules, report_rule, rules
from pmo_api.compliance.cache import JUDGEMENTS, Judgement, judgement
from pmo_api.compliance.models import Result, Rule, compliance_stamps
from pmo_api.core.clock import today
from pmo_api.core.responses import dumps
from pmo_api.portfolios.models import portfolios
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.programs import repository as program_repo
from pmo_api.programs.service import visible_program
from pmo_api.projects.models import Grouping, projects
from pmo_api.projects.service import visible_project
from pmo_api.settings import Settings

RULES = tuple(Rule)
# The project's own fields its judgement depends on, first in both statements; with the date
# and the stamp's token (OWN_KEYS), what a kept judgement is compared with.
OWN = (
    projects.c.id.label("project_id"),
    projects.c.code.label("project_code"),
    projects.c.portfolio_id,
    projects.c.program_id,
    projects.c.status,
    projects.c.start_date,
    projects.c.actual_start,
    projects.c.actual_finish,
    projects.c.template_id,
    projects.c.template_version,
)
OWN_KEYS = (*(c.key for c in OWN), "as_of", "token")
# More projects to judge again than this: the statement selects them as the request does
# rather than by a list of ids.
_BY_IDS = 500


def checks(settings: Settings) -> tuple[rules.RuleCheck, ...]:
    """The rules in their order (Rule), as this build evaluates them."""
    cadence = report_rule.Cadence(settings.compliance_report_every_weeks or None)
    return (
        governance_rules.TEMPLATE_ITEMS_PRESENT,
        governance_rules.GATES_REVIEWED_ON_TIME,
        rules.BASELINE_BEFORE_ACTIVE,
        report_rule.status_reports_rule(cadence),
        rules.RISKS_REVIEWED_ON_TIME,
        governance_rules.CORRECTIVE_ACTIONS_ON_TIME,
    )


def statement(
    checked: Sequence[rules.RuleCheck], dates: Sequence[date], where: ColumnElement[bool]
) -> Select[Any]:
    """Every rule's columns for each project `where` selects and each date: the projects'
    rows LEFT JOINed to each rule's grouped statements (compliance/rules.py)."""
    d = rules.dates_of(dates)
    scope = rules.Scope(where)
    joined: Any = _stamped(report_rule.with_template(projects.join(d, true())))
    columns: list[Any] = [
        *OWN,
        d.c.as_of,
        compliance_stamps.c.token,
        rules.START.label("start"),
    ]
    for check in checked:
        columns += check.columns(d)
        for part in check.parts(d, scope):
            q = part.query
            on = q.c.project_id == projects.c.id
            if part.by_date:
                on = and_(on, q.c.as_of == d.c.as_of)
            joined = joined.outerjoin(q, on)
            columns += [c for c in q.c if c.key not in ("project_id", "as_of")]
    return select(*columns).select_from(joined).where(where)


async def fetched(
    conn: AsyncConnection, checked: Sequence[rules.RuleCheck], rows: Sequence[Any]
) -> list[Any]:
    """What each rule's judge needs beyond the rows (None for most rules)."""
    return [await c.fetch(conn, rows) if c.fetch and rows else None for c in checked]


def judged(row: Any, checked: Sequence[rules.RuleCheck], extra: Sequence[Any]) -> dict[str, Any]:
    """A project's compliance at a date: each rule's result, reason and evidence, the counts
    and the share of the applicable rules met (None when none applies)."""
    out = []
    counts = {Result.MET: 0, Result.NOT_MET: 0, Result.NOT_APPLICABLE: 0}
    for check, more in zip(checked, extra, strict=True):
        result, reason, evidence = check.judge(row, more)
        counts[result] += 1
        out.append({"rule": check.rule, "result": result, "reason": reason, "evidence": evidence})
    met, not_met = counts[Result.MET], counts[Result.NOT_MET]
    return {
        "project_id": row.project_id,
        "project_code": row.project_code,
        "as_of": row.as_of,
        "share_met": round(met / (met + not_met), 4) if met + not_met else None,
        "met": met,
        "not_met": not_met,
        "not_applicable": counts[Result.NOT_APPLICABLE],
        "rules": out,
    }


def _stamped(joined: Any) -> Any:
    """`joined` (holding `projects`) with the project's compliance stamp, outer."""
    s = compliance_stamps
    return joined.outerjoin(s, s.c.project_id == projects.c.id)


def narrow(dates: Sequence[date], where: ColumnElement[bool]) -> Select[Any]:
    """Per project `where` selects and date: what its kept judgement is compared with."""
    d = rules.dates_of(dates)
    joined = _stamped(projects.join(d, true()))
    return select(*OWN, d.c.as_of, compliance_stamps.c.token).select_from(joined).where(where)


async def evaluate(
    conn: AsyncConnection,
    checked: Sequence[rules.RuleCheck],
    dates: Sequence[date],
    where: ColumnElement[bool],
    settings: Settings,
    *,
    by_code: bool = False,
) -> list[tuple[Any, Judgement]]:
    """Each project `where` selects, at each date (by code when `by_code`), with its
    judgement: the kept one when its values are the same (a project without a stamp is judged
    every time), else judged from the rules' statement and kept. The rules that fetch more
    than the row are judged every time: their results join the values compared."""
    stmt = narrow(dates, where)
    rows = (await conn.execute(stmt.order_by(projects.c.code) if by_code else stmt)).all()
    extra = await fetched(conn, checked, rows)
    fetching = [(c, more) for c, more in zip(checked, extra, strict=True) if c.fetch]
    setting = settings.compliance_report_every_weeks

    def values(row: Any, own: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*own, setting, *(dumps(c.judge(row, m)) for c, m in fetching))

    found: list[Judgement | None] = []
    missed: set[uuid.UUID] = set()
    for row in rows:
        kept = (
            None
            if row.token is None
            else JUDGEMENTS.get((row.project_id, row.as_of), values(row, tuple(row)))
        )
        found.append(kept)
        if kept is None:
            missed.add(row.project_id)
    if missed:
        again = where
        if len(missed) <= _BY_IDS:
            again = and_(where, projects.c.id.in_(sorted(missed)))
        judged_now: dict[tuple[Any, Any], Judgement] = {}
        for full in (await conn.execute(statement(checked, dates, again))).all():
            key = (full.project_id, full.as_of)
            judged_now[key] = made = judgement(judged(full, checked, extra))
            if full.token is not None:
                own = tuple(getattr(full, k) for k in OWN_KEYS)
                JUDGEMENTS.keep(key, values(full, own), made)
        for i, row in enumerate(rows):
            if found[i] is None:
                found[i] = judged_now.get((row.project_id, row.as_of))
    # A project gone between the two statements is left out.
    return [(row, j) for row, j in zip(rows, found, strict=True) if j is not None]


async def project_compliance(
    conn: AsyncConnection, principal: Principal, ref: str, as_of: date | None, settings: Settings
) -> dict[str, Any]:
    """GET /projects/{project}/compliance."""
    project = await visible_project(conn, principal, ref)
    found = await projects_compliance(conn, principal, [project["id"]], as_of or today(), settings)
    return found[project["id"]]


async def projects_compliance(
    conn: AsyncConnection,
    principal: Principal,
    project_ids: Sequence[uuid.UUID],
    as_of: date,
    settings: Settings,
) -> dict[uuid.UUID, dict[str, Any]]:
    """Many projects' compliance as of one date in one statement (GraphQL's batch); projects
    the caller may not see are absent."""
    checked = checks(settings)
    where = and_(project_visible(principal), projects.c.id.in_(list(project_ids)))
    found = await evaluate(conn, checked, [as_of], where, settings)
    return {row.project_id: j.body for row, j in found}


async def portfolio_compliance(
    conn: AsyncConnection,
    principal: Principal,
    portfolio_id: uuid.UUID,
    as_of: date | None,
    settings: Settings,
) -> dict[str, Any]:
    """GET /portfolios/{id}/compliance: every project's compliance (by code) and the totals;
    `projects` holds Judgements (`portfolio_json` makes the JSON body of them)."""
    await visible_portfolio(conn, principal, portfolio_id)
    t = as_of or today()
    found = await portfolios_compliance(conn, principal, [portfolio_id], t, settings)
    return found[portfolio_id]


async def program_compliance(
    conn: AsyncConnection,
    principal: Principal,
    program_id: uuid.UUID,
    as_of: date | None,
    settings: Settings,
) -> dict[str, Any]:
    """GET /programs/{id}/compliance: the portfolio's view over the programme's projects."""
    program = await visible_program(conn, principal, program_id)
    t = as_of or today()
    found = await programs_compliance(conn, principal, [program_id], t, settings)
    return {"program_id": program_id, "portfolio_id": program["portfolio_id"], **found[program_id]}


async def portfolios_compliance(
    conn: AsyncConnection,
    principal: Principal,
    portfolio_ids: Sequence[uuid.UUID],
    as_of: date,
    settings: Settings,
) -> dict[uuid.UUID, dict[str, Any]]:
    """Many portfolios' compliance as of one date in one statement (GraphQL's batch);
    portfolios the caller may not see are absent."""
    visible = readable_portfolios(principal, portfolios.c.id).where(
        portfolios.c.id.in_(list(portfolio_ids))
    )
    wanted = list((await conn.execute(visible)).scalars())
    found = await grouped_compliance(conn, principal, Grouping.PORTFOLIO, wanted, as_of, settings)
    return {p: {"portfolio_id": p, **body} for p, body in found.items()}


async def programs_compliance(
    conn: AsyncConnection,
    principal: Principal,
    program_ids: Sequence[uuid.UUID],
    as_of: date,
    settings: Settings,
) -> dict[uuid.UUID, dict[str, Any]]:
    """Many programmes' compliance as of one date in one statement; programmes the caller may
    not see are absent."""
    wanted = [row["id"] for row in await program_repo.get_many(conn, principal, program_ids)]
    return await grouped_compliance(conn, principal, Grouping.PROGRAM, wanted, as_of, settings)


async def grouped_compliance(
    conn: AsyncConnection,
    principal: Principal,
    group: Grouping,
    group_ids: Sequence[uuid.UUID],
    as_of: date,
    settings: Settings,
) -> dict[uuid.UUID, dict[str, Any]]:
    """The compliance of the live projects of each portfolio or programme (`group`; the caller
    has checked it may see them), by code, and their totals, in one statement."""
    if not group_ids:
        return {}
    owner = projects.c[group.value]
    checked = checks(settings)
    where = and_(project_visible(principal), owner.in_(list(group_ids)))
    by_group: dict[uuid.UUID, list[Judgement]] = {g: [] for g in group_ids}
    for row, found in await evaluate(conn, checked, [as_of], where, settings, by_code=True):
        by_group[getattr(row, group.value)].append(found)
    return {
        g: {"as_of": as_of, **totals(found), "projects": found} for g, found in by_group.items()
    }


def portfolio_json(body: dict[str, Any]) -> dict[str, Any]:
    """A portfolio's (or programme's) compliance as REST answers it: the projects' JSON
    embedded as it is."""
    return {**body, "projects": [orjson.Fragment(j.json) for j in body["projects"]]}


def totals(found: Sequence[Judgement]) -> dict[str, Any]:
    """Across projects: the share of the applicable (project, rule) pairs met, and each rule's
    counts of results."""
    by_rule = {rule: dict.fromkeys(Result, 0) for rule in RULES}
    for project in found:
        for rule, result in zip(RULES, project.results, strict=True):
            by_rule[rule][result] += 1
    met = sum(c[Result.MET] for c in by_rule.values())
    judged_ = met + sum(c[Result.NOT_MET] for c in by_rule.values())
    return {
        "share_met": round(met / judged_, 4) if judged_ else None,
        "by_rule": [{"rule": rule, **counts} for rule, counts in by_rule.items()],
    }


async def compliance_percent(
    conn: AsyncConnection,
    project_ids: Sequence[uuid.UUID],
    dates: Sequence[date],
    settings: Settings,
) -> dict[tuple[uuid.UUID, date], float | None]:
    """The built-in KPI `compliance`: per project and date, the percentage of the applicable
    rules met (None when none applies). One statement for any number of both; the projects
    were scoped by the caller."""
    if not project_ids or not dates:
        return {}
    checked = checks(settings)
    out: dict[tuple[uuid.UUID, date], float | None] = {}
    where = and_(LIVE, projects.c.id.in_(list(project_ids)))
    for row, found in await evaluate(conn, checked, dates, where, settings):
        share = found.share
        out[(row.project_id, row.as_of)] = None if share is None else round(share * 100, 2)
    return out
