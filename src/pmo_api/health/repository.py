"""SQL for health: one statement gives, per project as of a date, what the rules of
health/rules.py look at. Its columns are finance/engine.inputs' (the earned-value inputs, used
as they are) followed by four flags: an overdue stage gate, an overdue milestone, an open
critical risk, an open high risk.

For a few projects (a page, one project) each flag is a correlated EXISTS on an index whose
leading column is project_id: a few index probes per project. For many (`wide`: a portfolio of
thousands) the probes add up (~80 ms for 10,000 projects), so the flags come instead from two
grouped scans, the overdue milestones and the open high and critical risks of every project,
hash-joined to the projects (~30 ms for the same 10,000)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)

from pmo_api.db.base import table_of
from pmo_api.finance import engine
from pmo_api.finance.aggregates import milestones
from pmo_api.risks import rules as risk_rules
from pmo_api.risks.models import Risk

risks = table_of(Risk)

FLAGS = ("overdue_gate", "overdue_milestone", "open_critical_risk", "open_high_risk")
# A row of `facts`: the inputs first, so that engine.inputs_of reads it as it is.
COLUMNS: tuple[str, ...] = (*engine.INPUT_COLUMNS, *FLAGS)
FLAG_INDEXES = tuple(COLUMNS.index(name) for name in FLAGS)
ID_INDEX = COLUMNS.index("id")


def _score_range(severity: str) -> tuple[int, int]:
    """The scores of a severity (risks/rules.py), so that the flags read the risks index
    (project_id, status, score) instead of the severity column."""
    lower = 1
    for upper, name in risk_rules.SEVERITY_BOUNDS:
        if name == severity:
            return lower, upper
        lower = upper + 1
    raise ValueError(severity)


_CRITICAL = _score_range("critical")
_HIGH = _score_range("high")


def _is_open() -> ColumnElement[bool]:
    # OR rather than IN: the hot path (db/hotpath.py) compiles a statement once, and an IN
    # list would be rendered per execution.
    return or_(*(risks.c.status == s for s in risk_rules.OPEN_STATUSES))


def _overdue(as_of: Any) -> ColumnElement[bool]:
    """CONTRACT §3: a milestone is overdue when not completed and due before the date."""
    return and_(milestones.c.completed_on.is_(None), milestones.c.due_date < as_of)


def facts(where: ColumnElement[bool], *, wide: bool = False) -> Select[Any]:
    """Per project matching `where` (on the projects table), as of the date of
    engine.AsOf(t).params(): the columns of COLUMNS. `wide` for a `where` that matches many
    projects (as engine.inputs' `wide`)."""
    ev = engine.inputs(where, None, wide=wide).subquery("ev")
    return _grouped_flags(ev) if wide else _probed_flags(ev)


def _probed_flags(ev: Any) -> Select[Any]:
    """The flags by one lookup per project in each table, through the (project_id, ...)
    indexes. Written as correlated aggregates, not EXISTS: the planner turns EXISTS into a hash
    semi-join over the whole milestones table, ten times slower for a page of projects."""
    late = (
        select(func.max(case((milestones.c.is_gate, 1), else_=0)))
        .where(milestones.c.project_id == ev.c.id, _overdue(ev.c.as_of))
        .scalar_subquery()
    )
    # Two bits in one lookup: 2 when an open critical risk exists, 1 when an open high one.
    critical = func.max(case((risks.c.score >= _CRITICAL[0], 2), else_=0))
    high = func.max(case((risks.c.score <= _HIGH[1], 1), else_=0))
    risk_bits = (
        select(critical + high)
        .where(risks.c.project_id == ev.c.id, _is_open(), risks.c.score >= _HIGH[0])
        .scalar_subquery()
    )
    probed = select(ev, late.label("late"), risk_bits.label("risk_bits")).subquery("probed")
    return select(
        *(probed.c[name] for name in engine.INPUT_COLUMNS),
        (func.coalesce(probed.c.late, 0) == 1).label("overdue_gate"),
        probed.c.late.is_not(None).label("overdue_milestone"),
        (func.coalesce(probed.c.risk_bits, 0) >= 2).label("open_critical_risk"),
        # OR, not IN: see _is_open
        or_(probed.c.risk_bits == 1, probed.c.risk_bits == 3).label("open_high_risk"),
    )


def _grouped_flags(ev: Any) -> Select[Any]:
    # The date of dates_table(None)'s bind parameter `t`: the same parameter, the same value.
    t = bindparam("t", type_=Date)
    late = (
        select(
            milestones.c.project_id,
            func.max(case((milestones.c.is_gate, 1), else_=0)).label("gate"),
        )
        .where(_overdue(t))
        .group_by(milestones.c.project_id)
        .subquery("late")
    )
    open_risks = (
        select(
            risks.c.project_id,
            func.max(case((risks.c.score >= _CRITICAL[0], 1), else_=0)).label("critical"),
            func.max(case((risks.c.score <= _HIGH[1], 1), else_=0)).label("high"),
        )
        .where(_is_open(), risks.c.score >= _HIGH[0], risks.c.score <= _CRITICAL[1])
        .group_by(risks.c.project_id)
        .subquery("open_risks")
    )
    joined = ev.outerjoin(late, late.c.project_id == ev.c.id).outerjoin(
        open_risks, open_risks.c.project_id == ev.c.id
    )
    return select(
        ev,
        (func.coalesce(late.c.gate, 0) == 1).label("overdue_gate"),
        late.c.project_id.is_not(None).label("overdue_milestone"),
        (func.coalesce(open_risks.c.critical, 0) == 1).label("open_critical_risk"),
        (func.coalesce(open_risks.c.high, 0) == 1).label("open_high_risk"),
    ).select_from(joined)
