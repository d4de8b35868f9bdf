"""SQL for the issue log. Every read starts from the scope rule (access/scope.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_fields
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.evm.models import project_finance
from pmo_api.projects.repository import in_groups, named
from pmo_api.raid_issues.models import OPEN_STATUSES, raid_issues

SORTS = {
    **tracked_sorts(raid_issues),
    "title": SortField("title", raid_issues.c.title, "str"),
    "raised_on": SortField("raised_on", raid_issues.c.raised_on, "date"),
    "target_resolution_on": SortField(
        "target_resolution_on", raid_issues.c.target_resolution_on, "date", nullable=True
    ),
}

FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "title",
    "description",
    "category",
    "priority",
    "impact",
    "owner",
    "raised_on",
    "target_resolution_on",
    "status",
    "resolution",
    "risk_id",
    "change_request_id",
    "created_at",
    "updated_at",
    "version",
)


def presented(principal: Principal) -> Select[Any]:
    return readable_fields(principal, raid_issues, FIELDS)


async def get(
    conn: AsyncConnection, principal: Principal, issue_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(raid_issues.c.id == issue_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    status: Sequence[str] = (),
    priority: Sequence[str] = (),
    category: Sequence[str] = (),
    owner: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    check_text("category", category)
    check_text("owner", owner)
    if projects:
        stmt = stmt.where(named(projects, raid_issues.c.project_id))
    return narrowed(
        stmt,
        raid_issues,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (raid_issues.c.status, status),
            (raid_issues.c.priority, priority),
            (raid_issues.c.category, category),
            (raid_issues.c.owner, owner),
        ),
        q=q,
        search=(raid_issues.c.title, raid_issues.c.description),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


def _open_of(priority: str) -> Any:
    return (
        select(func.count())
        .where(
            raid_issues.c.project_id == project_finance.c.project_id,
            raid_issues.c.priority == priority,
            raid_issues.c.status.in_(OPEN_STATUSES),
        )
        .scalar_subquery()
    )


def open_counts() -> dict[str, Any]:
    """project_finance's kept counts of open critical and high issues (health reads them)."""
    return {"open_critical_issues": _open_of("critical"), "open_high_issues": _open_of("high")}
