"""Compliance rule 4, a published status report for every cadence period (docs/formulas.md,
"Compliance"), on the mechanism of compliance/rules.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Subquery,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
    true,
)

from pmo_api.compliance.models import Result, Rule
from pmo_api.compliance.rules import NOT_STARTED, START, Judged, Part, RuleCheck, Scope
from pmo_api.db.sqlfuncs import day_number, month_start
from pmo_api.projects.models import ProjectStatus, projects
from pmo_api.reports.models import ReportState, status_reports
from pmo_api.templates.models import template_versions

# --- 4. a published status report for every cadence period ----------------------------------


def _end(d: Subquery) -> ColumnElement[Any]:
    """The last day periods run to: as_of, or the project's actual finish when earlier."""
    finish = projects.c.actual_finish
    return case((and_(finish.is_not(None), finish < d.c.as_of), finish), else_=d.c.as_of)


@dataclass(frozen=True)
class Cadence:
    """Reports every `every_weeks` weeks from the project's start, or (None) each month end."""

    every_weeks: int | None = None

    def shown(self) -> dict[str, Any]:
        return {"every_weeks": self.every_weeks} if self.every_weeks else {"month_end": True}

    def periods_due(self, start: date, end: date) -> int:
        """Periods from `start` whose last day is before `end` (the one ending on `end` is due
        that day: not yet overdue)."""
        if self.every_weeks:
            return max((end - start).days // (7 * self.every_weeks), 0)
        return max((end.year * 12 + end.month) - (start.year * 12 + start.month), 0)


# The project's template version (the statement joins it, outer): its cadence, if any.
_CADENCE = template_versions.c.body["reporting_cadence"]
_TEMPLATE_WEEKS = _CADENCE["every_weeks"].as_integer()
_TEMPLATE_MONTH_END = _CADENCE["month_end"].as_boolean()
FROM_TEMPLATE = or_(_TEMPLATE_WEEKS.is_not(None), _TEMPLATE_MONTH_END.is_(True))


def with_template(joined: Any) -> Any:
    """`joined` (holding `projects`) with the project's template version, outer."""
    tv = template_versions
    return joined.outerjoin(
        tv,
        and_(
            tv.c.template_id == projects.c.template_id, tv.c.number == projects.c.template_version
        ),
    )


def cadence_weeks(default: Cadence) -> ColumnElement[Any]:
    """The project's report cadence in weeks, NULL for month ends: its template's, else the
    setting's."""
    return case(
        (_TEMPLATE_WEEKS.is_not(None), _TEMPLATE_WEEKS),
        (_TEMPLATE_MONTH_END.is_(True), null()),
        else_=literal(default.every_weeks, Integer),
    )


def report_parts(default: Cadence) -> Callable[[Subquery, Scope], list[Part]]:
    def parts(d: Subquery, scope: Scope) -> list[Part]:
        """Per project and date: the distinct periods (indexes from the start) due before
        as_of that a report published by as_of covers, and the last period reported."""
        r = status_reports
        weeks = cadence_weeks(default)
        start_day = day_number(START)
        # Per project and date, once: its cadence and the bounds of the periods due.
        p = (
            select(
                projects.c.id,
                d.c.as_of,
                d.c.as_of_next,
                START.label("start"),
                weeks.label("weeks"),
                month_start(_end(d)).label("end_month"),
                start_day.label("start_day"),
                (((day_number(_end(d)) - start_day) // (7 * weeks)) * (7 * weeks)).label(
                    "due_days"
                ),
            )
            .select_from(with_template(projects.join(d, true())))
            .where(scope.where)
            .subquery("cadences")
        )
        offset = day_number(r.c.period_end) - p.c.start_day
        # A period is known by its first day (month ends) or by its index from the start
        # (every N weeks); NULL unless it was due before as_of.
        month = case(
            (
                and_(p.c.weeks.is_(None), r.c.period_end < p.c.end_month),
                month_start(r.c.period_end),
            )
        ).label("month")
        index = case(
            (
                and_(p.c.weeks.is_not(None), offset < p.c.due_days),
                offset // (7 * p.c.weeks),
            )
        ).label("period_index")
        published = and_(
            r.c.project_id == p.c.id,
            r.c.state == ReportState.PUBLISHED.value,
            r.c.published_at < p.c.as_of_next,
            r.c.period_end >= p.c.start,
        )
        # Two levels (periods, then their count) rather than a count of distinct values: a
        # hash of (project, period) pairs, where a DISTINCT aggregate sorts every project's.
        per_period = (
            select(
                p.c.id.label("project_id"),
                p.c.as_of,
                month,
                index,
                func.max(r.c.period_end).label("last_end"),
            )
            .select_from(p.join(r, published))
            .group_by(p.c.id, p.c.as_of, month, index)
            .subquery("periods")
        )
        counted = or_(per_period.c.month.is_not(None), per_period.c.period_index.is_not(None))
        stmt = select(
            per_period.c.project_id,
            per_period.c.as_of,
            func.count(case((counted, 1))).label("periods_reported"),
            func.max(per_period.c.last_end).label("last_report_period_end"),
        ).group_by(per_period.c.project_id, per_period.c.as_of)
        return [Part(stmt.subquery("reported"))]

    return parts


def report_columns(default: Cadence) -> Callable[[Subquery], list[ColumnElement[Any]]]:
    def columns(d: Subquery) -> list[ColumnElement[Any]]:
        return [
            cadence_weeks(default).label("cadence_weeks"),
            FROM_TEMPLATE.label("cadence_from_template"),
            _end(d).label("periods_end"),
        ]

    return columns


def _judge_reports(row: Any, fetched: Any = None) -> Judged:
    start: date | None = row.start
    cadence = Cadence(row.cadence_weeks)
    evidence: dict[str, Any] = {
        "cadence": cadence.shown(),
        "cadence_source": "template" if row.cadence_from_template else "setting",
        "from": start,
    }
    if row.status in NOT_STARTED or row.status == ProjectStatus.CANCELLED:
        return Result.NOT_APPLICABLE, f"the project is {row.status}", evidence
    if start is None or start > row.as_of:
        return Result.NOT_APPLICABLE, "the project had not started by as_of", evidence
    due = cadence.periods_due(start, row.periods_end)
    reported = int(row.periods_reported or 0)
    evidence |= {
        "periods_due": due,
        "periods_reported": reported,
        "last_report_period_end": row.last_report_period_end,
    }
    if due == 0:
        return Result.NOT_APPLICABLE, "no reporting period had ended before as_of", evidence
    if reported >= due:
        return Result.MET, "a published report for every period due", evidence
    return Result.NOT_MET, f"{due - reported} of {due} periods without a report", evidence


def status_reports_rule(default: Cadence) -> RuleCheck:
    """Rule 4 with the setting's cadence for projects whose template gives none."""
    return RuleCheck(
        Rule.STATUS_REPORTS_EVERY_PERIOD,
        _judge_reports,
        report_parts(default),
        report_columns(default),
    )
