"""Rules for the budget baseline and costs. Services receive the transaction and never commit.

Every write locks its project's row first: writes to one project queue behind each other, so
the per-project aggregates rebuilt at the end of each write (evm/aggregates.refresh) always
match the raw rows, and two imports of one `external_ref` cannot both insert."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.audit import recorder
from pmo_api.budget import repository as repo
from pmo_api.budget.models import budget_lines, cost_entries
from pmo_api.budget.schemas import (
    BaselinePut,
    CostCreate,
    CostPatch,
)
from pmo_api.core.clock import utcnow
from pmo_api.core.crud import changed_only, delete_row, insert_row, tracked_fields, update_row
from pmo_api.core.errors import Conflict, Invalid, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.ids import new_id
from pmo_api.core.money import from_minor, to_minor
from pmo_api.evm import aggregates
from pmo_api.evm.models import project_finance
from pmo_api.projects import repository as project_repo
from pmo_api.projects.service import locked_child, visible_project

# --- budget baseline ----------------------------------------------------------------------------


def budget_line_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    period: date = row["period"]
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "baseline": row["baseline"],
        "period": f"{period.year:04d}-{period.month:02d}",
        "category": row["category"],
        "amount": from_minor(row["amount"]),
        **tracked_fields(row),
    }


async def put_baseline(
    conn: AsyncConnection,
    *,
    principal: Principal,
    ref: str,
    data: BaselinePut,
    precondition: Precondition,
) -> tuple[RowMapping, int]:
    """Replace the project's baseline with a new one (the old stays readable by its number).
    The project's budget (BAC) becomes the sum of the new lines. Returns the project and the
    new baseline's number."""
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    project_id = project["id"]
    await aggregates.refresh(conn, [project_id])  # makes sure project_finance has its row
    old = await repo.current_baseline(conn, project_id)
    precondition.check(old)
    seen: dict[tuple[str, str], int] = {}
    for i, line in enumerate(data.lines):
        key = (line.period, line.category)
        if key in seen:
            raise Invalid.field(
                ["body", "lines", i],
                f"period {line.period} and category '{line.category}' repeat line {seen[key]}",
                "duplicate_line",
            )
        seen[key] = i
    new = old + 1
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "project_id": project_id,
            "baseline": new,
            "period": date.fromisoformat(f"{line.period}-01"),
            "category": line.category,
            "amount": to_minor(line.amount),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for line in data.lines
    ]
    if rows:
        await conn.execute(insert(budget_lines), rows)
    await conn.execute(
        update(project_finance)
        .where(project_finance.c.project_id == project_id)
        .values(baseline=new)
    )
    total = sum(r["amount"] for r in rows)
    # One audit event for the whole baseline: its number and total (as `amount`).
    await recorder.record(
        conn,
        actor=principal,
        action="rebaseline",
        table=budget_lines,
        object_id=project_id,
        before={"baseline": old},
        after={"baseline": new, "amount": total},
    )
    if rows and total != project["budget"]:
        await update_row(conn, project_repo.projects, project, {"budget": total}, actor=principal)
    await aggregates.refresh(conn, [project_id])
    return await visible_project(conn, principal, project_id), new


# --- costs --------------------------------------------------------------------------------------


def cost_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.COST_FIELDS}
    body["amount"] = from_minor(row["amount"])
    return body


def _cost_values(fields: dict[str, Any]) -> dict[str, Any]:
    if fields.get("amount") is not None:
        fields["amount"] = to_minor(fields["amount"])
    return fields


async def visible_cost(
    conn: AsyncConnection, principal: Principal, cost_id: uuid.UUID
) -> RowMapping:
    row = await repo.get_cost(conn, principal, cost_id)
    if row is None:
        raise NotFound(f"cost entry {cost_id} does not exist")
    return row


async def record_cost(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: CostCreate
) -> tuple[RowMapping, bool]:
    """Record a cost entry; one whose `external_ref` the project already has updates that
    entry instead (an import sent twice never duplicates). Returns the entry and whether it
    was created."""
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = _cost_values(data.model_dump())
    if data.external_ref is not None:
        existing = await repo.cost_by_ref(conn, principal, project["id"], data.external_ref)
        if existing is not None:
            changes = changed_only(existing, values)
            if changes:
                await update_row(conn, cost_entries, existing, changes, actor=principal)
                await aggregates.refresh(conn, [project["id"]])
            return await visible_cost(conn, principal, existing["id"]), False
    new = await insert_row(
        conn, cost_entries, {"project_id": project["id"], **values}, actor=principal
    )
    await aggregates.refresh(conn, [project["id"]])
    return await visible_cost(conn, principal, new), True


async def update_cost(
    conn: AsyncConnection,
    *,
    principal: Principal,
    cost_id: uuid.UUID,
    patch: CostPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, cost_id, visible_cost)
    precondition.check(current["version"])
    changes = changed_only(current, _cost_values(patch.changes()))
    if not changes:
        return current
    ref = changes.get("external_ref")
    if ref is not None:
        other = await repo.cost_by_ref(conn, principal, current["project_id"], ref)
        if other is not None:
            raise Conflict(f"the project already has a cost entry with external_ref '{ref}'")
    await update_row(conn, cost_entries, current, changes, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])
    return await visible_cost(conn, principal, cost_id)


async def delete_cost(
    conn: AsyncConnection,
    *,
    principal: Principal,
    cost_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, cost_id, visible_cost)
    precondition.check(current["version"])
    await delete_row(conn, cost_entries, current, actor=principal)
    await aggregates.refresh(conn, [current["project_id"]])
