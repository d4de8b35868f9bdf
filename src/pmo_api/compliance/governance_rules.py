"""The compliance rules on issue 15's governance objects (compliance/rules.py has the others
and the mechanism): the template's milestones and gates present (1), gates reviewed by their
due date (2), corrective actions on time (6)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Subquery, and_, case, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.actions.models import ActionSource, ActionStatus, action_items
from pmo_api.compliance.models import Result, Rule
from pmo_api.compliance.rules import Judged, Part, RuleCheck, Scope, id_list, ids_of
from pmo_api.gates.models import gate_reviews
from pmo_api.schedule.models import milestones
from pmo_api.templates.models import template_versions

# --- 1. the template's milestones and gates present ------------------------------------------


@dataclass
class TemplateFacts:
    """The template versions the rows' projects were made from, and those projects'
    milestones (names, and gate keys)."""

    bodies: dict[tuple[uuid.UUID, int], dict[str, Any]] = field(default_factory=dict)
    names: dict[uuid.UUID, set[str]] = field(default_factory=lambda: defaultdict(set))
    gates: dict[uuid.UUID, set[str]] = field(default_factory=lambda: defaultdict(set))


async def _template_facts(conn: AsyncConnection, rows: Sequence[Any]) -> TemplateFacts:
    """Two statements, and none when no project of the rows records a template."""
    facts = TemplateFacts()
    templated = [r for r in rows if r.template_id is not None]
    if not templated:
        return facts
    pairs = sorted({(r.template_id, r.template_version) for r in templated})
    v = template_versions
    stmt = select(v.c.template_id, v.c.number, v.c.body).where(
        tuple_(v.c.template_id, v.c.number).in_(pairs)
    )
    for template_id, number, body in await conn.execute(stmt):
        facts.bodies[(template_id, number)] = body
    ids = sorted({r.project_id for r in templated})
    m = milestones
    stmt = select(m.c.project_id, m.c.name, m.c.gate_key).where(m.c.project_id.in_(ids))
    for project_id, name, gate_key in await conn.execute(stmt):
        facts.names[project_id].add(name)
        if gate_key is not None:
            facts.gates[project_id].add(gate_key)
    return facts


def _judge_template(row: Any, facts: TemplateFacts) -> Judged:
    """A template milestone is present when the project has a milestone of its name (or, for
    a gate's milestone, one with its gate key); a gate when a milestone has its key."""
    if row.template_id is None:
        return Result.NOT_APPLICABLE, "the project records no methodology template", {}
    body = facts.bodies.get((row.template_id, row.template_version), {})
    names, gates = facts.names.get(row.project_id, set()), facts.gates.get(row.project_id, set())
    wanted = body.get("milestones") or []
    missing_milestones = [
        m["name"]
        for m in wanted
        if m["name"] not in names and not (m.get("gate_key") and m["gate_key"] in gates)
    ]
    wanted_gates = [g["key"] for g in body.get("gates") or []]
    missing_gates = [key for key in wanted_gates if key not in gates]
    evidence = {
        "template_id": row.template_id,
        "template_version": row.template_version,
        "milestones_required": len(wanted),
        "gates_required": len(wanted_gates),
        "missing_milestones": missing_milestones,
        "missing_gates": missing_gates,
    }
    if missing_milestones or missing_gates:
        count = len(missing_milestones) + len(missing_gates)
        return Result.NOT_MET, f"{count} of the template's milestones and gates missing", evidence
    return Result.MET, "every milestone and gate of the template is present", evidence


TEMPLATE_ITEMS_PRESENT = RuleCheck(
    Rule.TEMPLATE_ITEMS_PRESENT, _judge_template, fetch=_template_facts
)


# --- 2. gates reviewed by their due date --------------------------------------------------


def _gate_parts(d: Subquery, scope: Scope) -> list[Part]:
    """The project's gate milestones due by as_of, and of those the ones not reviewed by their
    due date: due before as_of, and their first review (its held date, else its decision
    date, by as_of) missing or after the due date."""
    m, g = milestones, gate_reviews
    reviewed_on = func.coalesce(g.c.held_on, g.c.decided_on)
    first = (
        select(g.c.milestone_id, d.c.as_of, func.min(reviewed_on).label("first_review"))
        .select_from(g.join(d, reviewed_on <= d.c.as_of))
        .where(g.c.project_id.in_(scope.ids))
        .group_by(g.c.milestone_id, d.c.as_of)
        .subquery("first_reviews")
    )
    late = and_(
        m.c.due_date < d.c.as_of,
        or_(first.c.first_review.is_(None), first.c.first_review > m.c.due_date),
    )
    due = and_(m.c.due_date <= d.c.as_of, m.c.created_at < d.c.as_of_next)
    joined = m.join(d, due).outerjoin(
        first, and_(first.c.milestone_id == m.c.id, first.c.as_of == d.c.as_of)
    )
    stmt = (
        select(
            m.c.project_id,
            d.c.as_of,
            func.count().label("gates_checked"),
            id_list(m.c.id, late).label("late_gate_milestone_ids"),
            func.min(case((late, m.c.due_date))).label("earliest_late_gate_due_date"),
        )
        .select_from(joined)
        .where(m.c.project_id.in_(scope.ids), m.c.is_gate.is_(True))
        .group_by(m.c.project_id, d.c.as_of)
    )
    return [Part(stmt.subquery("gates_judged"))]


def _judge_gates(row: Any, fetched: Any = None) -> Judged:
    checked = int(row.gates_checked or 0)
    late = ids_of(row.late_gate_milestone_ids)
    evidence = {
        "gates_checked": checked,
        "late_gate_milestone_ids": late,
        "earliest_late_gate_due_date": row.earliest_late_gate_due_date,
    }
    if checked == 0:
        return Result.NOT_APPLICABLE, "no gate due by as_of", evidence
    if late:
        return Result.NOT_MET, f"{len(late)} gates not reviewed by their due date", evidence
    return Result.MET, "every gate due was reviewed by its due date", evidence


GATES_REVIEWED_ON_TIME = RuleCheck(Rule.GATES_REVIEWED_ON_TIME, _judge_gates, _gate_parts)


# --- 6. corrective actions (action items of quality findings) on time -----------------------


def _action_parts(d: Subquery, scope: Scope) -> list[Part]:
    """The project's corrective actions with a due date that existed at as_of (not
    cancelled), and of those the ones overdue at as_of: due before it and not done by it."""
    a = action_items
    late = and_(
        a.c.due_date < d.c.as_of,
        or_(a.c.completed_on.is_(None), a.c.completed_on > d.c.as_of),
    )
    stmt = (
        select(
            a.c.project_id,
            d.c.as_of,
            func.count().label("actions_checked"),
            id_list(a.c.id, late).label("overdue_action_ids"),
            func.min(case((late, a.c.due_date))).label("earliest_overdue_due_date"),
        )
        .select_from(a.join(d, a.c.created_at < d.c.as_of_next))
        .where(
            a.c.project_id.in_(scope.ids),
            a.c.source == ActionSource.FINDING.value,
            a.c.status != ActionStatus.CANCELLED.value,
            a.c.due_date.is_not(None),
        )
        .group_by(a.c.project_id, d.c.as_of)
    )
    return [Part(stmt.subquery("actions_judged"))]


def _judge_actions(row: Any, fetched: Any = None) -> Judged:
    checked = int(row.actions_checked or 0)
    late = ids_of(row.overdue_action_ids)
    evidence = {
        "actions_checked": checked,
        "overdue_action_ids": late,
        "earliest_overdue_due_date": row.earliest_overdue_due_date,
    }
    if checked == 0:
        return Result.NOT_APPLICABLE, "no corrective action with a due date", evidence
    if late:
        return Result.NOT_MET, f"{len(late)} corrective actions overdue", evidence
    return Result.MET, "no corrective action overdue", evidence


CORRECTIVE_ACTIONS_ON_TIME = RuleCheck(
    Rule.CORRECTIVE_ACTIONS_ON_TIME, _judge_actions, _action_parts
)
