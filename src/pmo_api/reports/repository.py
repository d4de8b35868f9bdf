"""SQL for status reports. Every read starts from the scope rule (access/scope.py): reports of
live projects inside the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_rows
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.projects.repository import in_groups, named
from pmo_api.reports.models import status_reports

SORTS = {
    "id": SortField("id", status_reports.c.id, "uuid"),
    "period_end": SortField("period_end", status_reports.c.period_end, "date"),
    "created_at": SortField("created_at", status_reports.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", status_reports.c.updated_at, "datetime"),
}


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "period_end")


# The order of a list that names none (GraphQL's connections of reports have no other).
REPORT_ORDER = sort_of(None)


def visible(principal: Principal) -> Select[Any]:
    """The status reports the caller may see."""
    return readable_rows(principal, status_reports)


async def get(
    conn: AsyncConnection, principal: Principal, report_id: uuid.UUID
) -> RowMapping | None:
    stmt = visible(principal).where(status_reports.c.id == report_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    states: Sequence[str] = (),
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `visible`) in the given states (any when none), portfolios and projects
    (ids or codes; impossible ones match nothing), changed since a time."""
    if projects:
        stmt = stmt.where(named(projects, status_reports.c.project_id))
    among = [(status_reports.c.state, states), *in_groups(portfolio_ids, program_ids)]
    return narrowed(stmt, status_reports, among=among, updated_since=updated_since)
