"""Projects made from a methodology template, and a template applied to a project that has no
milestones yet: the template's milestones (and gates) land at their offsets, and the project
records the template and version. One transaction; every row written through core/crud.py.

Dates (docs/resources.md, "Offsets"): a milestone anchored at `start` falls `offset_days`
after the project's start, one anchored at `finish` that many before its finish (calendar
days, or working days: templates/offsets.py). A project made from a template is given one of
its dates; the other is derived: planned forward from a start, its finish is the latest
start-anchored milestone; planned back from a finish, its start is the earliest
finish-anchored one. A milestone whose anchor is still missing is a 422 naming that date."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.clock import today
from pmo_api.core.crud import insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid
from pmo_api.evm import aggregates
from pmo_api.projects import service as projects
from pmo_api.projects.models import projects as project_table
from pmo_api.projects.schemas import ProjectCreate
from pmo_api.schedule import repository as schedule_repo
from pmo_api.schedule.models import milestones
from pmo_api.templates import repository as repo
from pmo_api.templates.models import Anchor
from pmo_api.templates.offsets import shifted
from pmo_api.templates.schemas import ProjectFromTemplate, TemplateChoice

MILLI = 1000
Loc = list[str | int]


@dataclass(frozen=True)
class Plan:
    """A template's milestones on a project's dates."""

    start_date: date | None
    finish_date: date | None
    due: Sequence[tuple[Mapping[str, Any], date]]  # each template milestone and its due date


async def _chosen(
    conn: AsyncConnection, template_id: uuid.UUID, number: int | None, at: str
) -> RowMapping:
    """The template version a body names: a reference, so 422 naming the field when absent."""
    row = await repo.get(conn, template_id, number)
    if row is not None:
        return row
    if number is not None and await repo.exists(conn, template_id):
        msg = f"methodology template {template_id} has no version {number}"
        raise Invalid.field([at, "template_version"], msg, "not_found")
    msg = f"methodology template {template_id} does not exist"
    raise Invalid.field([at, "template_id"], msg, "not_found")


def _date_of(
    m: Mapping[str, Any], anchor: date | None, holidays: frozenset[date], loc: Loc
) -> date:
    """The due date of the template milestone `m` from its anchor date (422 at `loc` when the
    project lacks that date or the offset leaves the calendar)."""
    name = "start_date" if m["anchor"] == Anchor.START else "finish_date"
    if anchor is None:
        msg = f"is needed: the template's milestone '{m['name']}' counts from it"
        raise Invalid.field([*loc, name], msg, "missing")
    try:
        return shifted(
            anchor,
            m["offset_days"],
            forward=m["anchor"] == Anchor.START,
            working_days=m["working_days"],
            holidays=holidays,
        )
    except OverflowError:
        msg = f"is too close to the calendar's end for milestone '{m['name']}'"
        raise Invalid.field([*loc, name], msg, "date_range") from None


def plan(
    body: Mapping[str, Any],
    *,
    start: date | None,
    finish: date | None,
    holidays: frozenset[date],
    derive: bool,
    loc: Loc,
) -> Plan:
    """The template `body`'s milestones on these dates; with `derive`, the missing one of the
    two dates comes from the milestones anchored at the given one (see the module's doc)."""
    every = list(body["milestones"])
    given = Anchor.START if start is not None else Anchor.FINISH
    first = [
        (m, _date_of(m, start if given == Anchor.START else finish, holidays, loc))
        for m in every
        if m["anchor"] == given
    ]
    if derive and first:
        if given == Anchor.START and finish is None:
            finish = max(due for _, due in first)
        elif given == Anchor.FINISH and start is None:
            start = min(due for _, due in first)
    rest = [
        (m, _date_of(m, finish if given == Anchor.START else start, holidays, loc))
        for m in every
        if m["anchor"] != given
    ]
    due = dict((m["name"], (m, d)) for m, d in [*first, *rest])
    return Plan(start, finish, [due[m["name"]] for m in every])


async def _add_milestones(
    conn: AsyncConnection, principal: Principal, project_id: uuid.UUID, planned: Plan
) -> None:
    for m, due in planned.due:
        values = {
            "project_id": project_id,
            "name": m["name"],
            "due_date": due,
            "weight_milli": round(m["weight"] * MILLI),
            "is_gate": m["gate_key"] is not None,
            "gate_key": m["gate_key"],
        }
        await insert_row(conn, milestones, values, actor=principal)
    await aggregates.refresh(conn, [project_id])


async def create_project_from_template(
    conn: AsyncConnection, *, principal: Principal, data: ProjectFromTemplate
) -> RowMapping:
    """A new project (projects.service.create_project's rules) with the template's milestones
    at their offsets, recording the template and version."""
    principal.require(Role.editor)
    if data.start_date is None and data.finish_date is None:
        msg = "give start_date (to plan forward) or finish_date (to plan backward)"
        raise Invalid.field(["body", "start_date"], msg, "missing")
    if data.start_date is not None and data.finish_date is not None:
        msg = "give only one of start_date and finish_date: the other is planned from the template"
        raise Invalid.field(["body", "finish_date"], msg, "one_of")
    template = await _chosen(conn, data.template_id, data.template_version, "body")
    planned = plan(
        template["body"],
        start=data.start_date,
        finish=data.finish_date,
        holidays=await repo.holidays_between(conn, date.min, date.max),
        derive=True,
        loc=["body"],
    )
    fields = {name: getattr(data, name) for name in ProjectCreate.model_fields}
    fields.update(start_date=planned.start_date, finish_date=planned.finish_date)
    project = await projects.create_project(
        conn,
        principal=principal,
        data=ProjectCreate.model_construct(**fields),
        recorded={"template_id": template["id"], "template_version": template["template_version"]},
    )
    await _add_milestones(conn, principal, project["id"], planned)
    return project


async def apply_template(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: TemplateChoice
) -> RowMapping:
    """The template's milestones on an existing project that has none (409 otherwise), from
    the project's own dates (422 naming the one a milestone needs and it lacks)."""
    principal.require(Role.editor)
    project = await projects.visible_project(conn, principal, ref, lock=True)
    stmt = (
        select(func.count()).select_from(milestones).where(milestones.c.project_id == project["id"])
    )
    if (await conn.execute(stmt)).scalar_one():
        raise Conflict("the project already has milestones; a template applies to one with none")
    template = await _chosen(conn, data.template_id, data.template_version, "body")
    planned = plan(
        template["body"],
        start=project["start_date"],
        finish=project["finish_date"],
        holidays=await repo.holidays_between(conn, date.min, date.max),
        derive=False,
        loc=["project"],
    )
    recorded = {"template_id": template["id"], "template_version": template["template_version"]}
    await update_row(conn, project_table, project, recorded, actor=principal)
    await _add_milestones(conn, principal, project["id"], planned)
    return await projects.visible_project(conn, principal, project["id"])


async def milestones_of(
    conn: AsyncConnection, principal: Principal, project_id: uuid.UUID
) -> Sequence[RowMapping]:
    """The project's milestones as the milestone routes show them, by due date."""
    stmt = schedule_repo.milestones_of(principal, today()).where(
        milestones.c.project_id == project_id
    )
    stmt = stmt.order_by(milestones.c.due_date, milestones.c.id)
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows
