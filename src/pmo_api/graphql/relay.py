"""Relay-style connections (`edges { node cursor }`, `pageInfo`, plus a `nodes` shortcut) over
the same keyset pages REST serves."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select, func, select

from pmo_api.core.errors import Invalid, NotFound
from pmo_api.core.listing import MAX_LIMIT, ListQuery
from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database

T = TypeVar("T")
M = TypeVar("M", bound=Mapping[Any, Any])  # a row as a mapping (a RowMapping, a dict)


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


# How a connection counts its rows, read only when `totalCount` is asked for.
Count = Callable[[], Awaitable[int]]


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Count | None] = None

    @strawberry.field(description="The nodes of `edges`, without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="How many rows match, on all pages together: what paging through the "
        "REST list with the same filters would give. Read only when asked for (one count)."
    )
    async def total_count(self) -> int:
        if self.count is None:
            raise Invalid.field(
                ["totalCount"], "this list cannot count its rows; page through it", "no_count"
            )
        return await self.count()


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_LIMIT:
        raise Invalid.field(["first"], f"first must be between 1 and {MAX_LIMIT}", "page_size")
    return first


def list_query(first: int, after: str | None) -> ListQuery:
    return ListQuery(page_size(first), after, None, None, None)


def connection(
    rows: Sequence[M],
    next_cursor: str | None,
    sort: Sort,
    to_node: Callable[[M], T],
    count: Count | None = None,
) -> Connection[T]:
    edges = [Edge(node=to_node(row), cursor=sort.cursor_for(row)) for row in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=next_cursor is not None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def count_of(db: Database, stmt: Select[Any]) -> Count:
    """The count of the rows `stmt` selects, in a short read of its own when awaited."""

    async def count() -> int:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        async with db.read() as conn:
            return int((await conn.execute(counted)).scalar_one())

    return count


def parse_id(value: str) -> uuid.UUID | None:
    """A GraphQL ID as a UUID; None (treated as not found) when it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def own_id(value: str) -> uuid.UUID:
    """An ID this API rendered itself (an object's `id`, a `portfolioId`): always a UUID."""
    parsed = parse_id(value)
    assert parsed is not None
    return parsed


# Stands for an ID that is not a UUID in a filter: no row has it, so the filter matches nothing
# rather than everything.
NO_ID = uuid.UUID(int=0)


def parse_ids(values: Sequence[str] | None) -> list[uuid.UUID]:
    """An ID filter's values as UUIDs (one that is not a UUID as NO_ID)."""
    return [parse_id(v) or NO_ID for v in values or ()]


def require_id(value: str, what: str) -> uuid.UUID:
    """A GraphQL ID that must name something: not a UUID means it cannot exist (404)."""
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound(f"{what} {value} does not exist")
    return parsed
