"""SQL for the decision log. Every read starts from the scope rule (access/scope.py): a
project's decisions through its project, a portfolio's through the caller's portfolios."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import owner_portfolio_id, readable_owned_rows
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.decisions.models import SYSTEM_SOURCES, decisions
from pmo_api.projects.models import projects as project_rows
from pmo_api.projects.repository import named

SORTS = {
    "id": SortField("id", decisions.c.id, "uuid"),
    "title": SortField("title", decisions.c.title, "str"),
    "decided_on": SortField("decided_on", decisions.c.decided_on, "date"),
    "created_at": SortField("created_at", decisions.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", decisions.c.updated_at, "datetime"),
}

# A decision as the API shows it, in its field order.
FIELDS = (
    "id",
    "project_id",
    "project_code",
    "portfolio_id",
    "title",
    "rationale",
    "alternatives",
    "decided_by",
    "decided_on",
    "source",
    "source_id",
    "links",
    "read_only",
    "created_at",
    "updated_at",
    "version",
)


def presented(principal: Principal) -> Select[Any]:
    """Decisions the caller may see, as the API shows them (rows in FIELDS order)."""
    derived: dict[str, Any] = {
        "project_code": project_rows.c.code.label("project_code"),
        "portfolio_id": owner_portfolio_id(decisions).label("portfolio_id"),
        "read_only": decisions.c.source.in_(sorted(SYSTEM_SOURCES)).label("read_only"),
    }
    columns = (derived[n] if n in derived else decisions.c[n] for n in FIELDS)
    return readable_owned_rows(principal, decisions, *columns)


async def get(
    conn: AsyncConnection, principal: Principal, decision_id: uuid.UUID
) -> RowMapping | None:
    stmt = presented(principal).where(decisions.c.id == decision_id)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


def filtered(
    stmt: Select[Any],
    *,
    source: Sequence[str] = (),
    decided_since: date | None = None,
    decided_until: date | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
    owner_portfolio: uuid.UUID | None = None,
) -> Select[Any]:
    """`stmt` (over `presented`) with the filters of the decision lists; several values are an
    OR. `projects` (ids or codes) naming nothing that can exist match nothing; `portfolio_ids`
    match a portfolio's decisions and those of its projects, `program_ids` those of the
    programmes' projects (a portfolio's own decisions are in no programme); `owner_portfolio`
    only the portfolio's own (the portfolio's log)."""
    if decided_since is not None:
        stmt = stmt.where(decisions.c.decided_on >= decided_since)
    if decided_until is not None:
        stmt = stmt.where(decisions.c.decided_on <= decided_until)
    if projects:
        stmt = stmt.where(named(projects, decisions.c.project_id))
    if owner_portfolio is not None:
        stmt = stmt.where(
            decisions.c.project_id.is_(None), decisions.c.portfolio_id == owner_portfolio
        )
    return narrowed(
        stmt,
        decisions,
        among=(
            (owner_portfolio_id(decisions), portfolio_ids),
            (project_rows.c.program_id, program_ids),
            (decisions.c.source, source),
        ),
        q=q,
        search=(decisions.c.title, decisions.c.rationale),
        updated_since=updated_since,
    )


def sort_of(sort: str | None) -> Sort:
    return parse_sort(sort, SORTS, "created_at")


# The order of a list that names none: creation (GraphQL's connections have no other).
DECISION_ORDER = sort_of(None)
