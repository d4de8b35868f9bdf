"""SQL for the assumption log. Every read starts from the scope rule (access/scope.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields
from pmo_api.assumptions.models import assumptions
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.projects.repository import in_groups, named

SORTS = {
    **tracked_sorts(assumptions),
    "validate_by": SortField("validate_by", assumptions.c.validate_by, "date", nullable=True),
}

FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "statement",
    "owner",
    "confidence",
    "validate_by",
    "status",
    "risk_id",
    "issue_id",
    "created_at",
    "updated_at",
    "version",
)


def presented(principal: Principal) -> Select[Any]:
    return readable_fields(principal, assumptions, FIELDS)


async def get(
    conn: AsyncConnection, principal: Principal, assumption_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(assumptions.c.id == assumption_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    status: Sequence[str] = (),
    confidence: Sequence[str] = (),
    owner: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    check_text("owner", owner)
    if projects:
        stmt = stmt.where(named(projects, assumptions.c.project_id))
    return narrowed(
        stmt,
        assumptions,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (assumptions.c.status, status),
            (assumptions.c.confidence, confidence),
            (assumptions.c.owner, owner),
        ),
        q=q,
        search=(assumptions.c.statement,),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")
