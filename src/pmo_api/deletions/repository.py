"""SQL for the deletions feed. A tombstone is read through the scope rule's portfolio test
(access/scope.py) on the portfolio the row was in when it went: a caller sees the deletions
of the portfolios it may see, and a key limited to portfolios never sees one with none (a KPI
definition's)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from pmo_api.access.principal import Principal
from pmo_api.access.scope import in_portfolios
from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.deletions.models import tombstones
from pmo_api.projects.models import projects as owners
from pmo_api.projects.repository import split_refs

FIELDS = tuple(c.name for c in tombstones.c)

SORTS = {
    "id": SortField("id", tombstones.c.id, "uuid"),
    "deleted_at": SortField("deleted_at", tombstones.c.deleted_at, "datetime"),
}


def readable(principal: Principal) -> Select[Any]:
    """The tombstones the caller may see, their columns in FIELDS order."""
    return select(tombstones).where(in_portfolios(principal, tombstones.c.portfolio_id))


def filtered(
    stmt: Select[Any],
    *,
    object_type: Sequence[str] = (),
    portfolio_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    projects: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
) -> Select[Any]:
    """`stmt` narrowed by the feed's filters; `updated_since` on the deletion time. A project
    named by code matches the tombstones of the live project that has that code (a deleted
    project's code is gone with it: name it by id). `program_ids` match the programme the row
    was in when it went (tombstones.program_id), never a project's programme now: a deleted
    project has none to look up."""
    t = tombstones
    if projects:
        ids, codes = split_refs(projects)
        stmt = stmt.where(t.c.project_id.in_(ids) | t.c.project_id.in_(_ids_of(codes)))
    if updated_since is not None:
        stmt = stmt.where(t.c.deleted_at >= updated_since)
    among = (
        (t.c.object_type, object_type),
        (t.c.portfolio_id, portfolio_ids),
        (t.c.program_id, program_ids),
    )
    return narrowed(stmt, t, among=among, q=q, search=(t.c.object_type, t.c.reason))


def _ids_of(codes: Sequence[str]) -> Select[Any]:
    return select(owners.c.id).where(owners.c.code.in_(codes))


def sort_of(sort: str | None = None) -> Sort:
    return parse_sort(sort, SORTS, "deleted_at")
