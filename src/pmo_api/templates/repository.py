"""SQL for methodology templates. Templates are shared by every portfolio: any caller with a
key reads them all, so no read here starts from the portfolio scope (as KPI definitions)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.listing import narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort, tracked_sorts
from pmo_api.resources.models import holidays
from pmo_api.templates.models import template_versions as versions
from pmo_api.templates.models import templates

SORTS = {
    **tracked_sorts(templates),
    "key": SortField("key", templates.c.key, "str"),
    "name": SortField("name", templates.c.name, "str"),
}
VERSION_SORTS = {
    **tracked_sorts(versions),
    "template_version": SortField("template_version", versions.c.number, "int"),
}

_VERSION_COLUMNS = (
    versions.c.number.label("template_version"),
    versions.c.body,
    versions.c.created_at.label("published_at"),
)


def _joined(on: Any) -> Select[Any]:
    # The version's name and description: the template's are its latest version's.
    own = (c for c in templates.c if c.key not in ("name", "description"))
    columns = (*own, versions.c.name, versions.c.description, *_VERSION_COLUMNS)
    return select(*columns).join(versions, on)


def with_version(number: int | None = None) -> Select[Any]:
    """Templates joined with one version each: `number`, or (None) their latest."""
    wanted = templates.c.latest_version if number is None else number
    return _joined(and_(versions.c.template_id == templates.c.id, versions.c.number == wanted))


async def every_version(
    conn: AsyncConnection, template_ids: Sequence[uuid.UUID]
) -> Sequence[RowMapping]:
    """Every version of these templates, each joined with its template (rows as with_version
    gives), by template and version: one statement for a GraphQL batch."""
    stmt = (
        _joined(versions.c.template_id == templates.c.id)
        .where(versions.c.template_id.in_(template_ids))
        .order_by(versions.c.template_id, versions.c.number)
    )
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows


def listed(*, q: str | None = None, updated_since: datetime | None = None) -> Select[Any]:
    return narrowed(
        with_version(),
        templates,
        q=q,
        search=(templates.c.key, templates.c.name),
        updated_since=updated_since,
    )


def sort_of(raw: str | None) -> Sort:
    return parse_sort(raw, SORTS, "key")


def versions_of(template_id: uuid.UUID, *, updated_since: datetime | None) -> Select[Any]:
    stmt = select(
        versions.c.id,
        versions.c.template_id,
        versions.c.name,
        versions.c.description,
        versions.c.created_at,
        versions.c.updated_at,
        *_VERSION_COLUMNS,
    ).where(versions.c.template_id == template_id)
    return narrowed(stmt, versions, updated_since=updated_since)


def version_sort_of(raw: str | None) -> Sort:
    return parse_sort(raw, VERSION_SORTS, "template_version")


async def get(
    conn: AsyncConnection, template_id: uuid.UUID, number: int | None = None, *, lock: bool = False
) -> RowMapping | None:
    """The template with its version `number` (None: the latest)."""
    stmt = with_version(number).where(templates.c.id == template_id)
    if lock:
        stmt = stmt.with_for_update(of=templates)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def exists(conn: AsyncConnection, template_id: uuid.UUID) -> bool:
    stmt = select(templates.c.id).where(templates.c.id == template_id)
    return (await conn.execute(stmt)).first() is not None


async def key_taken(conn: AsyncConnection, key: str) -> bool:
    stmt = select(templates.c.id).where(templates.c.key == key)
    return (await conn.execute(stmt)).first() is not None


async def holidays_between(conn: AsyncConnection, first: date, last: date) -> frozenset[date]:
    """The organisation holidays from `first` to `last`, both inclusive."""
    stmt = select(holidays.c.day).where(holidays.c.day.between(first, last))
    return frozenset((await conn.execute(stmt)).scalars().all())
