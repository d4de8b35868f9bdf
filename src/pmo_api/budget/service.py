"""Rules for the budget baseline and costs. Services receive the transaction and never commit.

Every write locks its project's row first: writes to one project queue behind each other, so
the per-project aggregates rebuilt at the end of each write (evm/aggregates.refresh) always
match the raw rows, and two imports of one `external_ref` cannot both insert."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.audit import recorder
from pmo_api.budget import repository as repo
from pmo_api.budget.models import budget_lines, cost_entries
from pmo_api.budget.schemas import BaselinePut, CostCreate, CostListParams
from pmo_api.compliance import stamps
from pmo_api.core.clock import utcnow
from pmo_api.core.crud import changed_only, insert_row, tracked_fields, update_row
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.ids import new_id
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.core.money import from_minor, to_minor
from pmo_api.evm import aggregates
from pmo_api.evm.models import project_finance
from pmo_api.projects import repository as project_repo
from pmo_api.projects.children import ChildWrites
from pmo_api.projects.service import visible_project, within_project

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
        "change_request_id": row["change_request_id"],
        **tracked_fields(row),
    }


@dataclass(frozen=True)
class BudgetLineFilter:
    """The filters of a project's budget line list (several categories are an OR)."""

    project: str  # id or code
    baseline: int | None = None  # an earlier baseline by number; None: the current one
    category: Sequence[str] = ()
    q: str | None = None
    updated_since: datetime | None = None


async def list_budget_lines(
    conn: AsyncConnection, principal: Principal, filter: BudgetLineFilter, *, sort: str | None
) -> tuple[Listing, int]:
    """The lines of the project's current baseline (or of an earlier one), and the current
    baseline's number (what a re-baseline's precondition compares with)."""
    owner = await visible_project(conn, principal, filter.project)
    current = await repo.current_baseline(conn, owner["id"])
    stmt = repo.filter_lines(
        repo.lines_of(principal, filter.baseline).where(budget_lines.c.project_id == owner["id"]),
        category=filter.category,
        q=filter.q,
        updated_since=filter.updated_since,
    )
    return Listing(stmt, repo.budget_line_sort(sort)), current


async def baseline_json(
    conn: AsyncConnection, principal: Principal, project: Mapping[Any, Any], number: int
) -> dict[str, Any]:
    """Baseline `number` of the project as a re-baseline answers it: its lines (by period and
    category) and their total, the project's budget (BAC)."""
    stmt = (
        repo.lines_of(principal, number)
        .where(budget_lines.c.project_id == project["id"])
        .order_by(budget_lines.c.period, budget_lines.c.category)
    )
    lines = (await conn.execute(stmt)).mappings().all()
    return {
        "project_id": project["id"],
        "baseline": number,
        "bac": from_minor(project["budget"]),
        "currency": project["currency"],
        # Every line of a baseline an approved change request made carries its id.
        "change_request_id": lines[0]["change_request_id"] if lines else None,
        "lines": [budget_line_json(row) for row in lines],
    }


async def put_baseline(
    conn: AsyncConnection,
    *,
    principal: Principal,
    ref: str,
    data: BaselinePut,
    precondition: Precondition,
) -> dict[str, Any]:
    """Replace the project's baseline with a new one (the old stays readable by its number).
    The project's budget (BAC) becomes the sum of the new lines. Returns the new baseline
    (baseline_json)."""
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
    await stamps.touch(conn, [project_id])  # the first baseline line's time (compliance)
    if rows and total != project["budget"]:
        await update_row(conn, project_repo.projects, project, {"budget": total}, actor=principal)
    await aggregates.refresh(conn, [project_id])
    project = await visible_project(conn, principal, project_id)  # with its new budget
    return await baseline_json(conn, principal, project, new)


# --- costs --------------------------------------------------------------------------------------


def cost_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.COST_FIELDS}
    body["amount"] = from_minor(row["amount"])
    return body


@dataclass(frozen=True)
class CostFilter:
    """The filters of the cost lists: the BI feed (every project the caller may see) and one
    project's list (`project`). Several values of one filter are an OR."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: Sequence[uuid.UUID] = ()
    program_ids: Sequence[uuid.UUID] = ()
    projects: Sequence[str] = ()  # ids or codes
    category: Sequence[str] = ()
    from_: date | None = None  # incurred_on, inclusive
    to: date | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: CostListParams, *, project: str | None = None) -> CostFilter:
        """From the parameters REST validates: a feed's, or one project's list."""
        return filter_of(cls, params, project=project)


async def list_costs(
    conn: AsyncConnection, principal: Principal, filter: CostFilter, *, sort: str | None = None
) -> Listing:
    """The cost entries the caller may see that match `filter` (rows in COST_FIELDS order)."""
    stmt = repo.costs_of(principal)
    stmt = await within_project(conn, principal, stmt, cost_entries.c.project_id, filter.project)
    stmt = repo.filter_costs(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.cost_sort(sort))


def _cost_values(fields: dict[str, Any]) -> dict[str, Any]:
    if fields.get("amount") is not None:
        fields["amount"] = to_minor(fields["amount"])
    return fields


async def visible_cost(
    conn: AsyncConnection, principal: Principal, cost_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get_cost(conn, principal, cost_id), f"cost entry {cost_id}")


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


async def _ref_free(
    conn: AsyncConnection, principal: Principal, current: Mapping[Any, Any], changes: dict[str, Any]
) -> None:
    """An external_ref names one entry of its project."""
    ref = changes.get("external_ref")
    if ref is None:
        return
    if await repo.cost_by_ref(conn, principal, current["project_id"], ref) is not None:
        raise Conflict(f"the project already has a cost entry with external_ref '{ref}'")


# Recording a cost (record_cost) is an upsert of its own; updates and deletes are the usual.
COSTS = ChildWrites(
    cost_entries, visible_cost, aggregates.refresh, _cost_values, check_update=_ref_free
)
update_cost = COSTS.update
delete_cost = COSTS.delete
