"""SQL for health: one statement gives, per project as of a date, what the rules of
health/rules.py look at. Its columns are finance/engine.inputs' (the earned-value inputs, used
as they are) followed by four flags, each a correlated EXISTS on an index whose leading
columns are (project_id, ...): an overdue stage gate, an overdue milestone, an open critical
risk, an open high risk. So the cost of a project's health is a few index probes, and any
number of projects is one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

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
    """The scores of a severity (risks/rules.py), so that the flag reads the risks index
    (project_id, status, score) instead of the severity column."""
    lower = 1
    for upper, name in risk_rules.SEVERITY_BOUNDS:
        if name == severity:
            return lower, upper
        lower = upper + 1
    raise ValueError(severity)


def _open_risk(project_id: Any, severity: str) -> ColumnElement[bool]:
    low, high = _score_range(severity)
    # OR rather than IN: the hot path (db/hotpath.py) compiles the statement once, and an IN
    # list would be rendered per execution.
    is_open = or_(*(risks.c.status == s for s in risk_rules.OPEN_STATUSES))
    return exists().where(
        risks.c.project_id == project_id, is_open, risks.c.score >= low, risks.c.score <= high
    )


def facts(where: ColumnElement[bool], *, wide: bool = False) -> Select[Any]:
    """Per project matching `where` (on the projects table), as of the date of
    engine.AsOf(t).params(): the columns of COLUMNS. `wide` is engine.inputs' (for a `where`
    that matches many projects, a portfolio)."""
    ev = engine.inputs(where, None, wide=wide).subquery("ev")
    # CONTRACT §3: a milestone is overdue when not completed and due before today.
    overdue = and_(
        milestones.c.project_id == ev.c.id,
        milestones.c.completed_on.is_(None),
        milestones.c.due_date < ev.c.as_of,
    )
    return select(
        ev,
        exists().where(overdue, milestones.c.is_gate).label("overdue_gate"),
        exists().where(overdue).label("overdue_milestone"),
        _open_risk(ev.c.id, "critical").label("open_critical_risk"),
        _open_risk(ev.c.id, "high").label("open_high_risk"),
    )
