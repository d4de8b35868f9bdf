"""The root fields that read one object by its GraphQL ID (`risk(id)`, `cost(id)`, ...), written
once: an ID that is not a UUID, or names nothing the caller may see, answers null."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import parse_id

T = TypeVar("T")
# A repository's read of one row by id, from the caller's scope: `get(conn, principal, id)`.
ReadOne = Callable[[AsyncConnection, Principal, uuid.UUID], Awaitable[Mapping[Any, Any] | None]]


async def one_by_id(
    info: Info, id: strawberry.ID, read: ReadOne, render: Callable[[Any], T]
) -> T | None:
    """`render` of the row `read` finds for `id` in one short read; None when there is none."""
    object_id = parse_id(id)
    if object_id is None:
        return None
    ctx = info.context
    async with ctx.db.read() as conn:
        row = await read(conn, ctx.principal, object_id)
    return None if row is None else render(row)
