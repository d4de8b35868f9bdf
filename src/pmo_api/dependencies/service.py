"""Rules for dependencies. Services receive the transaction and never commit.

A write locks the projects of both ends (in id order, so two writes never wait on each other
crosswise), refuses a dependency that would close a loop (409 naming the loop) and rebuilds the
kept "at risk from a dependency" counts (at_risk.refresh_flags), which health reads. On
PostgreSQL dependency writes also queue behind one another (a transaction advisory lock): two
dependencies written at once in unrelated projects could otherwise close one loop between them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import changed_only, delete_row, insert_row, tracked_fields, update_row
from pmo_api.core.errors import Conflict, Forbidden, Invalid, NotFound, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.dependencies import at_risk
from pmo_api.dependencies import repository as repo
from pmo_api.dependencies.models import dependencies
from pmo_api.dependencies.schemas import (
    DependencyCreate,
    DependencyListParams,
    DependencyPatch,
    MilestoneDependencyCreate,
)
from pmo_api.projects.service import visible_project
from pmo_api.schedule.models import milestones
from pmo_api.schedule.service import visible_milestone

# pg_advisory_xact_lock's key for dependency writes ("DEPS" in ASCII).
_LOCK_KEY = 0x44455053


@dataclass(frozen=True)
class DependencyFilter:
    """The filters of the dependency lists: the feed, and one milestone's (`milestone_id`,
    `direction`). Hashable (GraphQL loaders)."""

    milestone_id: uuid.UUID | None = None
    direction: str | None = None
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    at_risk: bool | None = None
    hard: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: DependencyListParams, **given: Any) -> DependencyFilter:
        return filter_of(cls, params, **given)


async def list_dependencies(
    conn: AsyncConnection,
    principal: Principal,
    filter: DependencyFilter,
    *,
    sort: str | None = None,
) -> Listing:
    """Dependencies the caller may see (either end) matching `filter`; a milestone's list is a
    404 when the caller cannot see the milestone."""
    if filter.milestone_id is not None:
        await visible_milestone(conn, principal, filter.milestone_id)
    stmt = repo.filtered(repo.presented(principal), **narrowing(filter))
    return Listing(stmt, repo.sort_of(sort))


def _day(value: int | None) -> date | None:
    return None if value is None else date.fromordinal(int(value))


def _uuid(value: Any) -> uuid.UUID:
    # A UUID as Python's own (a driver's UUID class is not JSON for the CSV of nested objects).
    return value if type(value) is uuid.UUID else uuid.UUID(str(value))


def _end(row: Mapping[Any, Any], end: str) -> dict[str, Any]:
    if row[f"{end}_hidden"]:
        return {"hidden": True}
    return {
        "hidden": False,
        "id": _uuid(row[f"{end}_id"]),
        "name": row[f"{end}_name"],
        "project_id": _uuid(row[f"{end}_project_id"]),
        "project_code": row[f"{end}_project_code"],
        "planned_date": row[f"{end}_date"],
    }


def dependency_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    chain = at_risk.chain_of(row["chain"])
    return {
        "id": row["id"],
        "predecessor": _end(row, "predecessor"),
        "successor": _end(row, "successor"),
        "type": row["type"],
        "lag_days": row["lag_days"],
        "hard": bool(row["hard"]),
        "note": row["note"],
        "at_risk": bool(row["at_risk"]),
        "pushed_to": _day(row["pushed_to_day"]),
        "slip_days": None if row["slip_days"] is None else int(row["slip_days"]),
        "chain": [{"hidden": False, **c} if "id" in c else c for c in chain],
        **tracked_fields(row),
    }


async def visible_dependency(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"dependency {object_id}")


async def _serialise(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(select(func.pg_advisory_xact_lock(_LOCK_KEY)))


async def _lock_ends(
    conn: AsyncConnection, principal: Principal, ends: Mapping[str, uuid.UUID]
) -> dict[str, RowMapping]:
    """Both milestones, which the caller must see (else a 422 naming the field: a hidden one
    answers as one that does not exist), their projects locked in id order."""
    found_ends: dict[str, RowMapping] = {}
    for field, milestone_id in ends.items():
        try:
            found_ends[field] = await visible_milestone(conn, principal, milestone_id)
        except NotFound as missing:
            raise Invalid.field(
                ["body", field], f"milestone {milestone_id} does not exist", "not_found"
            ) from missing
    await _serialise(conn)
    for project_id in sorted({m["project_id"] for m in found_ends.values()}):
        await visible_project(conn, principal, project_id, lock=True)
    return found_ends


async def create_dependency(
    conn: AsyncConnection, *, principal: Principal, data: DependencyCreate
) -> RowMapping:
    principal.require(Role.editor)
    values = data.model_dump()
    if values["predecessor_id"] == values["successor_id"]:
        raise Invalid.field(
            ["body", "successor_id"], "a milestone cannot depend on itself", "value_error"
        )
    ends = {"predecessor_id": values["predecessor_id"], "successor_id": values["successor_id"]}
    found_ends = await _lock_ends(conn, principal, ends)
    taken = select(dependencies.c.id).where(
        dependencies.c.predecessor_id == values["predecessor_id"],
        dependencies.c.successor_id == values["successor_id"],
    )
    if (await conn.execute(taken)).scalar() is not None:
        raise Conflict("these milestones already have a dependency; update that one")
    loop = await repo.loop_through(conn, values["predecessor_id"], values["successor_id"])
    if loop is not None:
        shown = " → ".join(str(m) for m in loop)
        raise Conflict(
            f"the dependency would close a loop: {shown}",
            errors=[
                {
                    "loc": ["body", "successor_id"],
                    "msg": "dependency loop",
                    "type": "cycle",
                    "loop": [str(m) for m in loop],
                }
            ],
        )
    new = await insert_row(conn, dependencies, values, actor=principal)
    await at_risk.refresh_flags(conn, [m["project_id"] for m in found_ends.values()])
    return await visible_dependency(conn, principal, new)


async def create_milestone_dependency(
    conn: AsyncConnection,
    *,
    principal: Principal,
    milestone_id: uuid.UUID,
    data: MilestoneDependencyCreate,
) -> RowMapping:
    """A dependency of the path's milestone: the body names the other end."""
    given = data.model_dump()
    if (given["predecessor_id"] is None) == (given["successor_id"] is None):
        raise Invalid.field(
            ["body", "predecessor_id"],
            "give exactly one of predecessor_id or successor_id (the other end is the milestone)",
            "value_error",
        )
    end = "successor_id" if given["predecessor_id"] is not None else "predecessor_id"
    given[end] = milestone_id
    await visible_milestone(conn, principal, milestone_id)
    return await create_dependency(conn, principal=principal, data=DependencyCreate(**given))


async def _to_write(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID, precondition: Precondition
) -> RowMapping:
    """The stored row, for a write by a caller who sees both ends (else 403: it may see the
    link, not change what it cannot see)."""
    principal.require(Role.editor)
    shown = await visible_dependency(conn, principal, object_id)
    if shown["predecessor_hidden"] or shown["successor_hidden"]:
        raise Forbidden("the dependency links a milestone outside your portfolios")
    await _lock_ends(
        conn,
        principal,
        {"predecessor_id": shown["predecessor_id"], "successor_id": shown["successor_id"]},
    )
    current = found(await repo.raw(conn, object_id), f"dependency {object_id}")
    precondition.check(current["version"])
    return current


async def _projects_of(conn: AsyncConnection, row: Mapping[Any, Any]) -> list[uuid.UUID]:
    stmt = select(milestones.c.project_id).where(
        milestones.c.id.in_([row["predecessor_id"], row["successor_id"]])
    )
    return list((await conn.execute(stmt)).scalars().all())


async def update_dependency(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: DependencyPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await _to_write(conn, principal, object_id, precondition)
    changes = changed_only(current, patch.changes())
    if changes:
        await update_row(conn, dependencies, current, changes, actor=principal)
        await at_risk.refresh_flags(conn, await _projects_of(conn, current))
    return await visible_dependency(conn, principal, object_id)


async def delete_dependency(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await _to_write(conn, principal, object_id, precondition)
    project_ids = await _projects_of(conn, current)
    await delete_row(conn, dependencies, current, actor=principal)
    await at_risk.refresh_flags(conn, project_ids)
