"""SQL for action items. Every read starts from the scope rule (access/scope.py): items of
live projects inside the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, not_
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_rows
from pmo_api.actions.models import OPEN_STATUSES, action_items
from pmo_api.core.clock import today
from pmo_api.core.listing import check_text, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.projects.models import projects as project_rows
from pmo_api.projects.repository import in_groups, named

SORTS = {
    "id": SortField("id", action_items.c.id, "uuid"),
    "title": SortField("title", action_items.c.title, "str"),
    "due_date": SortField("due_date", action_items.c.due_date, "date", nullable=True),
    "created_at": SortField("created_at", action_items.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", action_items.c.updated_at, "datetime"),
}

# An action item as the API shows it, in its field order.
FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "source",
    "source_id",
    "completed_on",
    "overdue",
    "created_at",
    "updated_at",
    "version",
)


def overdue_on(day: date) -> ColumnElement[bool]:
    """Still to do and due before `day` (an item due on `day` is not overdue)."""
    return and_(
        action_items.c.status.in_(OPEN_STATUSES),
        action_items.c.due_date.is_not(None),
        action_items.c.due_date < day,
    )


def presented(principal: Principal) -> Select[Any]:
    """Action items the caller may see, as the API shows them (rows in FIELDS order);
    `overdue` as of the app's today."""
    owner_fields: dict[str, Any] = {
        "project_code": project_rows.c.code.label("project_code"),
        "portfolio_id": project_rows.c.portfolio_id,
        "overdue": overdue_on(today()).label("overdue"),
    }
    columns = (owner_fields[n] if n in owner_fields else action_items.c[n] for n in FIELDS)
    return readable_rows(principal, action_items, *columns)


async def get(conn: AsyncConnection, principal: Principal, item_id: uuid.UUID) -> RowMapping | None:
    stmt = presented(principal).where(action_items.c.id == item_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    status: Sequence[str] = (),
    source: Sequence[str] = (),
    owner: Sequence[str] = (),
    overdue: bool | None = None,
    due_before: date | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
) -> Select[Any]:
    """`stmt` (over `presented`) with the filters of the action item lists; several values are
    an OR. `projects` (ids or codes) naming nothing that can exist match nothing."""
    check_text("owner", owner)
    if overdue is not None:
        late = overdue_on(today())
        stmt = stmt.where(late if overdue else not_(late))
    if due_before is not None:
        stmt = stmt.where(action_items.c.due_date < due_before)
    if projects:
        stmt = stmt.where(named(projects, action_items.c.project_id))
    return narrowed(
        stmt,
        action_items,
        among=(
            *in_groups(portfolio_ids, program_ids),
            (action_items.c.status, status),
            (action_items.c.source, source),
            (action_items.c.owner, owner),
        ),
        q=q,
        search=(action_items.c.title, action_items.c.description),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


# The order of a list that names none: creation (GraphQL's connections have no other).
ACTION_ORDER = sort_of(None)
