"""At risk from a dependency, in SQL (docs/formulas.md, "Dependencies").

One recursive CTE walks the slips forward along the dependency graph, set-based: its first
rows are the dependencies whose predecessor's own finish (completed_on, else forecast_date,
else due_date), shifted by the dependency (lag_days, plus one day for finish-to-start), is
later than the successor's planned date (forecast_date, else due_date), for a successor not yet
completed; each step follows the dependencies out of a successor so pushed, carrying the pushed
date on (the successor now finishes on it, not on its own date). Only milestones actually pushed
are walked, so a graph of 50,000 dependencies with few slips is a short walk. Every row carries
the chain of milestones that caused it (ids joined by ","; a milestone the caller may not see is
written `hidden`, so the chain never names it) and the dependency of its last hop.

A milestone is at risk from a dependency when some row reaches it; the date it is pushed to is
the latest such row's, and that row's chain is the one reported. Cycles are refused on write
(dependencies/service.py); MAX_DEPTH bounds a walk all the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    String,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_projects
from pmo_api.db.sqlfuncs import day_number
from pmo_api.dependencies.models import DependencyType, dependencies
from pmo_api.evm.models import project_finance
from pmo_api.projects.models import projects
from pmo_api.schedule.models import milestones

MAX_DEPTH = 200
HIDDEN = "hidden"
SEPARATOR = ","


def shift(d: Any) -> ColumnElement[int]:
    """Days from the predecessor's date to the earliest date allowed to the successor."""
    fs = case((d.c.type == DependencyType.FINISH_TO_START.value, 1), else_=0)
    lag: ColumnElement[int] = d.c.lag_days
    return lag + fs


def own_finish(m: Any) -> ColumnElement[int]:
    """A milestone's own finish, as a day number: actual, else forecast, else due."""
    found: ColumnElement[int] = day_number(
        func.coalesce(m.c.completed_on, m.c.forecast_date, m.c.due_date)
    )
    return found


def text_of(column: Any) -> ColumnElement[str]:
    return cast(column, String)


def planned_date(m: Any) -> ColumnElement[Any]:
    """The date a milestone not yet completed is planned for: forecast, else due."""
    return func.coalesce(m.c.forecast_date, m.c.due_date)


def planned(m: Any) -> ColumnElement[int]:
    """The date a milestone not yet completed is planned for, as a day number."""
    found: ColumnElement[int] = day_number(planned_date(m))
    return found


def _hop(m: Any, principal: Principal | None) -> ColumnElement[str]:
    shown = cast(m.c.id, String)
    if principal is None:
        return shown
    seen = m.c.project_id.in_(readable_projects(principal, projects.c.id))
    return case((seen, shown), else_=literal(HIDDEN))


def walk(principal: Principal | None = None) -> CTE:
    """The walk's rows: (dependency_id, milestone_id, required, chain, depth); `required` is
    the day number the milestone is pushed to. With `principal`, chains hide what it may not
    see."""
    d, pm, sm = dependencies.alias("d"), milestones.alias("pm"), milestones.alias("sm")
    required = own_finish(pm) + shift(d)
    first = (
        select(
            d.c.id.label("dependency_id"),
            d.c.successor_id.label("milestone_id"),
            cast(required, Integer).label("required"),
            cast(_hop(pm, principal) + SEPARATOR + _hop(sm, principal), String).label("chain"),
            literal(1, Integer).label("depth"),
        )
        .select_from(
            d.join(pm, pm.c.id == d.c.predecessor_id).join(sm, sm.c.id == d.c.successor_id)
        )
        .where(sm.c.completed_on.is_(None), required > planned(sm))
        .cte("walk", recursive=True)
    )
    d2, sm2 = dependencies.alias("d2"), milestones.alias("sm2")
    pushed = first.c.required + shift(d2)
    step = (
        select(
            d2.c.id,
            d2.c.successor_id,
            cast(pushed, Integer),
            cast(first.c.chain + SEPARATOR + _hop(sm2, principal), String),
            first.c.depth + 1,
        )
        .select_from(
            first.join(d2, d2.c.predecessor_id == first.c.milestone_id).join(
                sm2, sm2.c.id == d2.c.successor_id
            )
        )
        .where(sm2.c.completed_on.is_(None), pushed > planned(sm2), first.c.depth < MAX_DEPTH)
    )
    return first.union_all(step)


def worst_by(walked: CTE, key: str) -> Any:
    """Per `key` of the walk (milestone_id or dependency_id): the latest pushed date and the
    chain that pushes it there (ties: the shortest chain, then the first in text order)."""
    rank = (
        func.row_number()
        .over(
            partition_by=walked.c[key],
            order_by=(walked.c.required.desc(), walked.c.depth, walked.c.chain),
        )
        .label("rank")
    )
    ranked = select(walked.c[key], walked.c.required, walked.c.chain, rank).subquery(f"by_{key}")
    return (
        select(ranked.c[key], ranked.c.required, ranked.c.chain)
        .where(ranked.c.rank == 1)
        .subquery(f"worst_{key}")
    )


def chain_of(text: str | None) -> list[dict[str, Any]]:
    """A walk's chain as the API shows it: each milestone's id, or `{"hidden": true}`."""
    if not text:
        return []
    return [
        {"hidden": True} if part == HIDDEN else {"id": uuid.UUID(part)}
        for part in text.split(SEPARATOR)
    ]


async def refresh_flags(conn: AsyncConnection, project_ids: Sequence[uuid.UUID] = ()) -> None:
    """Recount, in project_finance, the milestones at risk from a dependency: of `project_ids`,
    of every project the walk reaches (the successors of a moved predecessor in other projects)
    and of every project counted so far (a change can only clear those). Two statements; one
    when there is no dependency at all and nothing counted (most writes of a PMO without
    dependencies cost one indexed lookup)."""
    anything = select(
        exists().where(dependencies.c.id.is_not(None))
        | exists().where(project_finance.c.dependency_risks > 0)
    )
    if not (await conn.execute(anything)).scalar():
        return
    walked = walk()
    counts = (
        select(milestones.c.project_id, func.count(func.distinct(walked.c.milestone_id)))
        .select_from(walked.join(milestones, milestones.c.id == walked.c.milestone_id))
        .group_by(milestones.c.project_id)
    )
    found = {pid: int(n) for pid, n in (await conn.execute(counts)).all()}
    flagged = select(project_finance.c.project_id, project_finance.c.dependency_risks).where(
        project_finance.c.dependency_risks > 0
    )
    now = {pid: int(n) for pid, n in (await conn.execute(flagged)).all()}
    changed = [
        {"pid": pid, "n": found.get(pid, 0)}
        for pid in {*found, *now, *project_ids}
        if found.get(pid, 0) != now.get(pid, 0)
    ]
    if changed:
        stmt = (
            update(project_finance)
            .where(project_finance.c.project_id == bindparam("pid"))
            .values(dependency_risks=bindparam("n"))
        )
        await conn.execute(stmt, changed)
