"""SQL for dependencies. A dependency joins two milestones, each in its own project: the caller
sees a dependency when it may see either end (access/scope.visible_alias on each end's
project), and an end it may not see is opaque: its columns are NULL and `*_hidden` is true, so
neither its name, its project nor its id leaves the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, literal, null, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import visible_alias
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, parse_sort, tracked_sorts
from pmo_api.dependencies import at_risk
from pmo_api.dependencies.models import dependencies
from pmo_api.projects.models import projects
from pmo_api.projects.repository import split_refs
from pmo_api.schedule.models import milestones

SORTS = tracked_sorts(dependencies)

_ENDS = ("predecessor", "successor")
_END_FIELDS = ("id", "name", "project_id", "project_code", "portfolio_id", "program_id", "date")


def _end(name: str, principal: Principal) -> tuple[Any, Any, ColumnElement[bool]]:
    m, p = milestones.alias(f"{name}_m"), projects.alias(f"{name}_p")
    return m, p, visible_alias(principal, p)


def _masked(seen: ColumnElement[bool], value: Any, label: str) -> Any:
    return case((seen, value), else_=null()).label(label)


def presented(principal: Principal, *, with_risk: bool = True) -> Select[Any]:
    """Dependencies the caller may see (either end), each end masked when hidden, with whether
    it is at risk (its successor pushed past its planned date through it), the date it pushes
    the successor to and the chain that causes it."""
    pm, pp, pseen = _end("predecessor", principal)
    sm, sp, sseen = _end("successor", principal)
    columns: list[Any] = [dependencies.c.id]
    for end, m, p, seen in (("predecessor", pm, pp, pseen), ("successor", sm, sp, sseen)):
        columns += [
            _masked(seen, m.c.id, f"{end}_id"),
            _masked(seen, m.c.name, f"{end}_name"),
            _masked(seen, m.c.project_id, f"{end}_project_id"),
            _masked(seen, p.c.code, f"{end}_project_code"),
            _masked(seen, p.c.portfolio_id, f"{end}_portfolio_id"),
            _masked(seen, p.c.program_id, f"{end}_program_id"),
            _masked(seen, at_risk.planned_date(m), f"{end}_date"),
            (~seen).label(f"{end}_hidden"),
        ]
    columns += [
        dependencies.c.type,
        dependencies.c.lag_days,
        dependencies.c.hard,
        dependencies.c.note,
    ]
    joined = (
        dependencies.join(pm, pm.c.id == dependencies.c.predecessor_id)
        .join(pp, pp.c.id == pm.c.project_id)
        .join(sm, sm.c.id == dependencies.c.successor_id)
        .join(sp, sp.c.id == sm.c.project_id)
    )
    if with_risk:
        worst = at_risk.worst_by(at_risk.walk(principal), "dependency_id")
        joined = joined.outerjoin(worst, worst.c.dependency_id == dependencies.c.id)
        columns += [
            worst.c.dependency_id.is_not(None).label("at_risk"),
            worst.c.required.label("pushed_to_day"),
            (worst.c.required - at_risk.planned(sm)).label("slip_days"),
            worst.c.chain,
        ]
    else:
        columns += [
            literal(False).label("at_risk"),
            null().label("pushed_to_day"),
            null().label("slip_days"),
            null().label("chain"),
        ]
    columns += [dependencies.c.created_at, dependencies.c.updated_at, dependencies.c.version]
    return select(*columns).select_from(joined).where(or_(pseen, sseen))


def _either(stmt: Select[Any], column: str, values: Sequence[Any]) -> Select[Any]:
    if not values:
        return stmt
    sel = stmt.selected_columns
    return stmt.where(
        or_(sel[f"predecessor_{column}"].in_(values), sel[f"successor_{column}"].in_(values))
    )


def filtered(
    stmt: Select[Any],
    *,
    milestone_id: uuid.UUID | None = None,
    direction: str | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
    type: Sequence[str] = (),
    at_risk: bool | None = None,
    hard: bool | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    """`stmt` (over `presented`) narrowed. `milestone_id`: the dependencies in and out of one
    milestone (`direction` `in`: its predecessors, `out`: its successors); `projects` (ids or
    codes), `portfolio_ids` and `program_ids` match either visible end."""
    sel = stmt.selected_columns
    if milestone_id is not None:
        ins = sel.successor_id == milestone_id
        outs = sel.predecessor_id == milestone_id
        stmt = stmt.where({"in": ins, "out": outs}.get(direction or "", or_(ins, outs)))
    stmt = _either(stmt, "portfolio_id", portfolio_ids)
    stmt = _either(stmt, "program_id", program_ids)
    if projects:
        ids, codes = split_refs(projects)
        stmt = stmt.where(
            or_(
                *(sel[f"{e}_project_id"].in_(ids) for e in _ENDS),
                *(sel[f"{e}_project_code"].in_(codes) for e in _ENDS),
            )
        )
    if at_risk is not None:
        stmt = stmt.where(sel.at_risk if at_risk else ~sel.at_risk)
    if hard is not None:
        stmt = stmt.where(dependencies.c.hard.is_(True) if hard else dependencies.c.hard.is_(False))
    # `q` searches the note only: a search on the ends' names would tell, by what it matches,
    # the name of an end the caller may not see.
    return narrowed(
        stmt,
        dependencies,
        among=((dependencies.c.type, type),),
        q=q,
        search=(dependencies.c.note,),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


async def get(
    conn: AsyncConnection, principal: Principal, dependency_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(dependencies.c.id == dependency_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def raw(conn: AsyncConnection, dependency_id: uuid.UUID) -> RowMapping | None:
    """The stored row (for writes, after `get` said the caller may see it)."""
    stmt = select(dependencies).where(dependencies.c.id == dependency_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def loop_through(
    conn: AsyncConnection, predecessor_id: uuid.UUID, successor_id: uuid.UUID
) -> list[uuid.UUID] | None:
    """The milestones, in order, of a loop that a new `predecessor_id` → `successor_id`
    dependency would close (the new one first: predecessor, successor, ..., predecessor), or
    None. One recursive statement reaches every milestone after the successor along existing
    dependencies, whoever may see them (a cycle is one), each edge once (UNION); the path back
    is read from the edges reached."""
    first = (
        select(
            dependencies.c.predecessor_id.label("source"),
            dependencies.c.successor_id.label("target"),
        )
        .where(dependencies.c.predecessor_id == successor_id)
        .cte("reach", recursive=True)
    )
    d = dependencies.alias("d")
    step = select(d.c.predecessor_id, d.c.successor_id).select_from(
        first.join(d, d.c.predecessor_id == first.c.target)
    )
    reach = first.union(step)
    edges = (await conn.execute(select(reach.c.source, reach.c.target))).all()
    came_from: dict[uuid.UUID, uuid.UUID] = {}
    for source, target in edges:
        came_from.setdefault(target, source)
    if predecessor_id not in came_from:
        return None
    path = [predecessor_id]
    while path[-1] != successor_id:
        path.append(came_from[path[-1]])
    return [predecessor_id, *reversed(path)]
