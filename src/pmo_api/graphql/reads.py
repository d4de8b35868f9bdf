"""The reads root fields share, written once: one object by its GraphQL ID (`risk(id)`,
`cost(id)`, ...) or its other key (`kpi(code)`), and a page of a domain's list (`risks`,
`costs`, `kpis`) as a connection."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.core.listing import ListQuery
from pmo_api.graphql.context import Info
from pmo_api.graphql.loaders.first_pages import F, ListOf
from pmo_api.graphql.relay import Connection, connection, count_of, parse_id

K = TypeVar("K")
T = TypeVar("T")
# A repository's read of one row by its key (its id, or a KPI's code), from the caller's scope:
# `get(conn, principal, key)`.
ReadOne = Callable[[AsyncConnection, Principal, K], Awaitable[Mapping[Any, Any] | None]]


async def one_by_id(
    info: Info, id: strawberry.ID, read: ReadOne[uuid.UUID], render: Callable[[Any], T]
) -> T | None:
    """`render` of the row `read` finds for `id` in one short read; None when there is none
    (an ID that is not a UUID, or names nothing the caller may see)."""
    object_id = parse_id(id)
    if object_id is None:
        return None
    return await one_by_key(info, object_id, read, render)


async def one_by_key(info: Info, key: K, read: ReadOne[K], render: Callable[[Any], T]) -> T | None:
    """`render` of the row `read` finds for `key` in one short read; None when there is none."""
    ctx = info.context
    async with ctx.db.read() as conn:
        row = await read(conn, ctx.principal, key)
    return None if row is None else render(row)


async def page_of(
    info: Info, list_of: ListOf[F], wanted: F, query: ListQuery, render: Callable[[Any], T]
) -> Connection[T]:
    """The page `query` asks for of the rows `list_of` finds for `wanted`, with the cursors
    of REST's list."""
    ctx = info.context
    async with ctx.db.read() as conn:
        listing = await list_of(conn, ctx.principal, wanted)
        rows, next_cursor = await listing.page(conn, query)
    return connection(rows, next_cursor, listing.sort, render, count_of(ctx.db, listing.stmt))
