"""Rules for the assumption log. Services receive the transaction and never commit.

An assumption found invalid may raise a risk or an issue (`raise_from`): the new risk or issue
and the assumption's link to it are written in one transaction (the caller's), so either both
exist or neither does."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.assumptions import repository as repo
from pmo_api.assumptions.models import assumptions
from pmo_api.assumptions.schemas import AssumptionListParams, RaiseBody
from pmo_api.core.crud import update_row
from pmo_api.core.errors import Conflict, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.projects.children import ChildWrites, child_to_write
from pmo_api.projects.service import within_project
from pmo_api.raid_issues.service import insert_issue
from pmo_api.risks.schemas import RiskCreate
from pmo_api.risks.service import create_risk


@dataclass(frozen=True)
class AssumptionFilter:
    project: str | None = None
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: AssumptionListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> AssumptionFilter:
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_assumptions(
    conn: AsyncConnection,
    principal: Principal,
    filter: AssumptionFilter,
    *,
    sort: str | None = None,
) -> Listing:
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, assumptions.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


def assumption_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in repo.FIELDS}


async def visible_assumption(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"assumption {object_id}")


async def _nothing_kept(conn: AsyncConnection, project_ids: Sequence[uuid.UUID]) -> None:
    """Assumptions feed no aggregate."""


ASSUMPTIONS = ChildWrites(assumptions, visible_assumption, _nothing_kept)
create_assumption = ASSUMPTIONS.create
update_assumption = ASSUMPTIONS.update
delete_assumption = ASSUMPTIONS.delete


def _title(statement: str) -> str:
    short = " ".join(statement.split())
    return f"Invalid assumption: {short}"[:200]


async def raise_from(
    conn: AsyncConnection, *, principal: Principal, assumption_id: uuid.UUID, data: RaiseBody
) -> RowMapping:
    """A risk or an issue raised by an invalid assumption, linked to it (editor)."""
    current = await child_to_write(
        conn, principal, assumption_id, visible_assumption, Precondition()
    )
    if current["status"] != "invalid":
        raise Conflict(f"assumption {assumption_id} is {current['status']}, not invalid")
    link = f"{data.kind}_id"
    if current[link] is not None:
        raise Conflict(f"assumption {assumption_id} already raised {data.kind} {current[link]}")
    title = data.title or _title(current["statement"])
    description = f"Raised by assumption {assumption_id}: {current['statement']}"[:20_000]
    if data.kind == "risk":
        risk = RiskCreate(
            title=title,
            description=description,
            probability=data.probability,
            impact=data.impact,
            owner=current["owner"],
        )
        made = await create_risk(
            conn, principal=principal, ref=str(current["project_id"]), data=risk
        )
        new_id = made["id"]
    else:
        values = {
            "title": title,
            "description": description,
            "category": None,
            "priority": data.priority,
            "impact": None,
            "owner": current["owner"],
            "raised_on": None,
            "target_resolution_on": None,
            "status": "open",
            "resolution": None,
            "risk_id": None,
        }
        new_id = await insert_issue(conn, principal, current["project_id"], values)
    await update_row(conn, assumptions, current, {link: new_id}, actor=principal)
    return await visible_assumption(conn, principal, assumption_id)
