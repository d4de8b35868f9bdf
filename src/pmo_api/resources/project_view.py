"""A project's resources: planned hours (its allocations, booked as the capacity view books
them) against actual hours (its time entries), by person and by role, and its burn rate (its
actual cost per period: cost entries and time entries alike, evm/actuals.py). Every sum is the
database's; this module only puts the few grouped rows side by side."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Float, and_, cast, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.errors import Invalid
from pmo_api.core.money import from_minor
from pmo_api.evm import actuals
from pmo_api.projects.service import visible_project
from pmo_api.resources import availability, capacity
from pmo_api.resources.models import Grain, allocations, resource_roles, resources, time_entries


async def _window(
    conn: AsyncConnection, project: Mapping[Any, Any], first: date | None, last: date | None
) -> tuple[date, date]:
    """[first, last], each by default the project's own date, else the earliest (latest) day
    of its allocations and time entries; a 422 naming `from` when there is none."""
    if first is None or last is None:
        a, t = allocations, time_entries
        planned = select(func.min(a.c.start_date), func.max(a.c.end_date)).where(
            a.c.project_id == project["id"]
        )
        worked = select(func.min(t.c.work_date), func.max(t.c.work_date)).where(
            t.c.project_id == project["id"]
        )
        ranges = [(await conn.execute(s)).one() for s in (planned, worked)]
        lows = [r[0] for r in ranges if r[0] is not None]
        highs = [r[1] for r in ranges if r[1] is not None]
        first = first or project["start_date"] or min(lows, default=None)
        last = last or project["finish_date"] or max(highs, default=None)
    if first is None or last is None:
        msg = "the project has no dates, allocations or time entries: give `from` and `to`"
        raise Invalid.field(["query", "from"], msg, "missing")
    availability.check_range(first, last)
    return first, last


async def _rows(conn: AsyncConnection, stmt: Any) -> list[Any]:
    return list((await conn.execute(stmt)).all())


def _hours(value: Any) -> float:
    return round(float(value or 0.0), 2)


async def project_resources(
    conn: AsyncConnection,
    principal: Principal,
    ref: str,
    first: date | None,
    last: date | None,
    grain: Grain,
) -> dict[str, Any]:
    """Planned against actual hours by person and role, and the burn rate by period."""
    project = await visible_project(conn, principal, ref)
    first, last = await _window(conn, project, first, last)
    low, high = await availability.span(conn, None, first, last)
    live = capacity.booking([project["id"]])
    days = availability.day_capacity(None, low, high)
    named = capacity.named_demand(days, live, grain, first, last).subquery("named")
    unfilled = capacity.unfilled_demand(low, high, live, grain, first, last).subquery("unfilled")
    te = time_entries
    in_window = and_(te.c.project_id == project["id"], te.c.work_date.between(first, last))

    planned = await _rows(
        conn,
        select(named.c.resource_id, named.c.role_id, func.sum(named.c.hours)).group_by(
            named.c.resource_id, named.c.role_id
        ),
    )
    open_demand = await _rows(
        conn, select(unfilled.c.role_id, func.sum(unfilled.c.hours)).group_by(unfilled.c.role_id)
    )
    worked = await _rows(
        conn,
        select(
            te.c.resource_id,
            resources.c.role_id,
            func.sum(te.c.hours),
            cast(func.sum(te.c.cost), BigInteger),
        )
        .join(resources, resources.c.id == te.c.resource_id)
        .where(in_window)
        .group_by(te.c.resource_id, resources.c.role_id),
    )

    people: dict[uuid.UUID, dict[str, Any]] = {}
    roles: dict[uuid.UUID | None, dict[str, Any]] = {}

    def person(resource_id: uuid.UUID) -> dict[str, Any]:
        empty = {"planned_hours": 0.0, "actual_hours": 0.0, "actual_cost": 0}
        return people.setdefault(resource_id, {"resource_id": resource_id, **empty})

    def role(role_id: uuid.UUID | None) -> dict[str, Any]:
        empty = {"planned_hours": 0.0, "unfilled_hours": 0.0, "actual_hours": 0.0}
        return roles.setdefault(role_id, {"role_id": role_id, **empty, "actual_cost": 0})

    for resource_id, role_id, hours in planned:
        person(resource_id)["planned_hours"] += float(hours)
        role(role_id)["planned_hours"] += float(hours)
    for role_id, hours in open_demand:
        role(role_id)["planned_hours"] += float(hours)
        role(role_id)["unfilled_hours"] += float(hours)
    for resource_id, role_id, hours, cost in worked:
        for row in (person(resource_id), role(role_id)):
            row["actual_hours"] += float(hours)
            row["actual_cost"] += int(cost)
    names = await _names(conn, people.keys(), [r for r in roles if r is not None])
    roles_of = dict(
        (
            await conn.execute(
                select(resources.c.id, resources.c.role_id).where(resources.c.id.in_(list(people)))
            )
        ).all()
    )
    for row in people.values():
        row["name"] = names.get(row["resource_id"])
        row["role_id"] = roles_of.get(row["resource_id"])
    for row in roles.values():
        row["name"] = names.get(row["role_id"])

    def shown(row: dict[str, Any]) -> dict[str, Any]:
        hours = {k: _hours(v) for k, v in row.items() if k.endswith("_hours")}
        return {**row, **hours, "actual_cost": from_minor(row["actual_cost"])}

    return {
        "project_id": project["id"],
        "from": first,
        "to": last,
        "grain": grain,
        "currency": project["currency"],
        "people": [shown(r) for r in sorted(people.values(), key=_by_name)],
        "roles": [shown(r) for r in sorted(roles.values(), key=_by_name)],
        "burn": await _burn(conn, project["id"], first, last, grain),
    }


def _by_name(row: Mapping[str, Any]) -> tuple[bool, str, str]:
    name = row.get("name")
    return name is None, name or "", str(row.get("resource_id") or row.get("role_id"))


async def _names(
    conn: AsyncConnection, resource_ids: Any, role_ids: list[uuid.UUID]
) -> dict[Any, str]:
    found: dict[Any, str] = {}
    for table, ids in ((resources, list(resource_ids)), (resource_roles, role_ids)):
        if ids:
            stmt = select(table.c.id, table.c.name).where(table.c.id.in_(ids))
            found.update(dict((await conn.execute(stmt)).all()))
    return found


async def _burn(
    conn: AsyncConnection, project_id: uuid.UUID, first: date, last: date, grain: Grain
) -> list[dict[str, Any]]:
    """Per period of [first, last] (every one, none skipped): the project's actual cost (every
    source of evm/actuals.py), the part of it that is labour, and the hours worked."""
    cal = availability.calendar_days(first, last)
    key = capacity.period_of(cal, grain)
    parts = []
    for s in actuals.SOURCES:
        labour = s.project_id.table is time_entries  # (a column of a table: never a literal)
        parts.append(
            select(
                s.on.label("on"),
                s.amount.label("amount"),
                (s.amount if labour else literal(0)).label("labour"),
                (time_entries.c.hours if labour else literal(0.0, Float)).label("hours"),
            ).where(s.project_id == project_id, s.on.between(first, last))
        )
    spent = union_all(*parts).subquery("spent")
    stmt = (
        select(
            key.label("p"),
            cast(func.coalesce(func.sum(spent.c.amount), 0), BigInteger),
            cast(func.coalesce(func.sum(spent.c.labour), 0), BigInteger),
            func.coalesce(func.sum(spent.c.hours), 0.0).cast(Float),
        )
        .select_from(cal.outerjoin(spent, spent.c.on == cal.c.d))
        .group_by(key)
        .order_by(key)
    )
    out = []
    for start, amount, labour, hours in (await conn.execute(stmt)).all():
        start = start if isinstance(start, date) else date.fromisoformat(start)
        period_start, period_end = availability.bounds(start, grain, first, last)
        out.append(
            {
                "period_start": period_start,
                "period_end": period_end,
                "actual_cost": from_minor(int(amount)),
                "labour_cost": from_minor(int(labour)),
                "hours": _hours(hours),
            }
        )
    return out
