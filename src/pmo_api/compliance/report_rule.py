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
)

from pmo_api.compliance.models import Result, Rule
from pmo_api.compliance.rules import NOT_STARTED, START, Judged, RuleCheck
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


def report_columns(default: Cadence) -> Callable[[Subquery], list[ColumnElement[Any]]]:
    def columns(d: Subquery) -> list[ColumnElement[Any]]:
        """The project's cadence, and (correlated, each one range of an index of the published
        reports per project and period end) the distinct periods due before as_of that a
        report published by as_of covers, and the last period reported."""
        r = status_reports
        weeks = cadence_weeks(default)
        start_day = day_number(START)
        end = _end(d)
        published = and_(
            r.c.project_id == projects.c.id,
            r.c.state == ReportState.PUBLISHED.value,
            r.c.published_at < d.c.as_of_next,
            r.c.period_end >= START,
        )
        offset = day_number(r.c.period_end) - start_day
        due_days = ((day_number(end) - start_day) // (7 * weeks)) * (7 * weeks)
        # A period is known by its first day (month ends) or by its index from the start
        # (every N weeks); NULL unless it was due before as_of.
        month = case(
            (and_(weeks.is_(None), r.c.period_end < month_start(end)), month_start(r.c.period_end))
        )
        index = case((and_(weeks.is_not(None), offset < due_days), offset // (7 * weeks)))
        reported = select(func.count(month.distinct()) + func.count(index.distinct())).where(
            published
        )
        last = select(func.max(r.c.period_end)).where(published)
        return [
            weeks.label("cadence_weeks"),
            FROM_TEMPLATE.label("cadence_from_template"),
            end.label("periods_end"),
            reported.scalar_subquery().label("periods_reported"),
            last.scalar_subquery().label("last_report_period_end"),
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
        columns=report_columns(default),
    )
