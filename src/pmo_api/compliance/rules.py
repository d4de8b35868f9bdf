"""The compliance rules, each one grouped SQL statement over many projects at once and one
small judge (docs/formulas.md, "Compliance").

A rule is a `RuleCheck`: `parts(d, scope)` gives its statements, each grouped by project (and
date) over the projects `scope` selects and the dates of `d` (columns `as_of`, the date
judged, and `as_of_next`, the first instant after it, UTC); `columns(d)` gives plain
expressions over the project's row; the service LEFT JOINs every part to the projects, so
every rule of every project and date is read in one statement, each table aggregated once
(not once per project). `judge(row, fetched)` turns a row's columns (and what the rule's
`fetch`, if any, read for all the rows at once) into the result, the reason and the evidence.
A rule with nothing to judge for a project is `not_applicable`.

Time: an obligation due on day D is met when fulfilled on D or before; it is overdue (not met)
from D + 1. So "due today and not yet done" is still met; "one day late" is not.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.audit.models import AuditEvent
from pmo_api.budget.models import budget_lines
from pmo_api.compliance.models import Result, Rule
from pmo_api.db.base import table_of
from pmo_api.db.types import UTCDateTime
from pmo_api.projects.models import ProjectStatus, projects
from pmo_api.risks.models import risks
from pmo_api.risks.rules import OPEN_STATUSES

audit_events = table_of(AuditEvent)

Judged = tuple[Result, str, dict[str, Any]]  # result, reason, evidence
Fetch = Callable[[AsyncConnection, Sequence[Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Scope:
    """The projects judged: `where` on the `projects` table, and their ids as a statement."""

    where: ColumnElement[bool]

    @cached_property
    def ids(self) -> Select[Any]:
        """Their ids, from one CTE that every part of a statement shares (PostgreSQL reads a
        CTE used more than once a single time)."""
        judged = select(projects.c.id).where(self.where).cte("judged_projects")
        return select(judged.c.id)


@dataclass(frozen=True)
class Part:
    """A rule's statement grouped by `project_id` (and `as_of`, when `by_date`)."""

    query: Subquery
    by_date: bool = True


def _no_parts(d: Subquery, scope: Scope) -> list[Part]:
    return []


def _no_columns(d: Subquery) -> list[ColumnElement[Any]]:
    return []


@dataclass(frozen=True)
class RuleCheck:
    """`fetch`, when a rule has one, reads what its judge needs beyond the row's columns (one
    statement for all the rows at once); the judge gets it as its second argument."""

    rule: Rule
    judge: Callable[[Any, Any], Judged]
    parts: Callable[[Subquery, Scope], list[Part]] = _no_parts
    columns: Callable[[Subquery], list[ColumnElement[Any]]] = _no_columns
    fetch: Fetch | None = None


def dates_of(dates: Sequence[date]) -> Subquery:
    """One row per date judged: `as_of` and `as_of_next` (the next day's first instant, UTC)."""
    rows = [
        select(
            literal(t, Date).label("as_of"),
            literal(datetime.combine(t + timedelta(days=1), time(), UTC), UTCDateTime()).label(
                "as_of_next"
            ),
        )
        for t in dates
    ]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("d")


def ids_of(text: str | None) -> list[uuid.UUID]:
    """The ids a part aggregated as comma-separated text, in order."""
    return sorted(uuid.UUID(i) for i in text.split(",")) if text else []


def id_list(column: Any, when: ColumnElement[bool]) -> ColumnElement[Any]:
    """The aggregate of `column` (an id) as comma-separated text over the rows where `when`."""
    return func.aggregate_strings(case((when, cast(column, String))), ",")


# The project's start: when it actually started, else when it was planned to.
START = func.coalesce(projects.c.actual_start, projects.c.start_date)
NOT_STARTED = frozenset({ProjectStatus.PROPOSED, ProjectStatus.APPROVED})
# Statuses a project reaches only through `active` (the fallback of rule 3).
WAS_ACTIVE = frozenset({ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.COMPLETED})


# --- 3. a baseline before the project went active -------------------------------------------


def _baseline_parts(d: Subquery, scope: Scope) -> list[Part]:
    """When the project first became active by the end of as_of (the audit trail: its creation
    or an update whose `after` has status `active`), and when its first baseline line was
    written (`_baseline_columns`)."""
    a = audit_events
    activated = (
        select(
            a.c.object_id.label("project_id"),
            d.c.as_of,
            func.min(a.c.occurred_at).label("activated_at"),
        )
        .select_from(a.join(d, a.c.occurred_at < d.c.as_of_next))
        .where(
            a.c.object_type == "project",
            a.c.object_id.in_(scope.ids),
            a.c.after["status"].as_string() == ProjectStatus.ACTIVE.value,
        )
        .group_by(a.c.object_id, d.c.as_of)
    )
    return [Part(activated.subquery("activated"))]


def _baseline_columns(d: Subquery) -> list[ColumnElement[Any]]:
    """When the project's first baseline line was written (budget lines of earlier baselines
    are kept, so the earliest is the first): per project, the first entry of an index."""
    b = budget_lines
    first = select(func.min(b.c.created_at)).where(b.c.project_id == projects.c.id)
    return [first.scalar_subquery().label("first_baseline_at")]


def _judge_baseline(row: Any, fetched: Any = None) -> Judged:
    activated: datetime | None = row.activated_at
    source = "audit_trail"
    started: date | None = row.actual_start
    if activated is None and row.status in WAS_ACTIVE and started and started <= row.as_of:
        # Data loaded without the API has no trail: its actual start stands for it.
        activated = datetime.combine(started, time(), UTC)
        source = "actual_start"
    baseline: datetime | None = row.first_baseline_at
    evidence = {
        "activated_at": activated,
        "activation_source": source if activated else None,
        "first_baseline_at": baseline,
    }
    if activated is None:
        return Result.NOT_APPLICABLE, "the project had not gone active by as_of", evidence
    if baseline is not None and baseline < activated:
        return Result.MET, "a baseline existed before the project went active", evidence
    return Result.NOT_MET, "no baseline existed when the project went active", evidence


BASELINE_BEFORE_ACTIVE = RuleCheck(
    Rule.BASELINE_BEFORE_ACTIVE, _judge_baseline, _baseline_parts, _baseline_columns
)


# --- 5. open risks reviewed by their review date --------------------------------------------


def _risk_parts(d: Subquery, scope: Scope) -> list[Part]:
    """The project's open risks with a review date (that existed at as_of), and of those the
    ones whose review date is before as_of: their ids and the earliest such date."""
    late = risks.c.review_date < d.c.as_of
    stmt = (
        select(
            risks.c.project_id,
            d.c.as_of,
            func.count().label("risks_checked"),
            id_list(risks.c.id, late).label("overdue_risk_ids"),
            func.min(case((late, risks.c.review_date))).label("earliest_overdue_review"),
        )
        .select_from(risks.join(d, risks.c.created_at < d.c.as_of_next))
        .where(
            risks.c.project_id.in_(scope.ids),
            risks.c.status.in_([s.value for s in OPEN_STATUSES]),
            risks.c.review_date.is_not(None),
        )
        .group_by(risks.c.project_id, d.c.as_of)
    )
    return [Part(stmt.subquery("risks_judged"))]


def _judge_risks(row: Any, fetched: Any = None) -> Judged:
    checked = int(row.risks_checked or 0)
    late = ids_of(row.overdue_risk_ids)
    evidence = {
        "risks_checked": checked,
        "overdue_risk_ids": late,
        "earliest_overdue_review_date": row.earliest_overdue_review,
    }
    if checked == 0:
        return Result.NOT_APPLICABLE, "no open risk with a review date", evidence
    if late:
        return Result.NOT_MET, f"{len(late)} open risks past their review date", evidence
    return Result.MET, "every open risk is within its review date", evidence


RISKS_REVIEWED_ON_TIME = RuleCheck(Rule.RISKS_REVIEWED_ON_TIME, _judge_risks, _risk_parts)
