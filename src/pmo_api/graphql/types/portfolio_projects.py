"""`portfolio.projects(first, after)`: a connection over the project list filtered by the
portfolio. The first page of every portfolio a request shows comes from one batched statement
(graphql/loaders/projects_by_portfolio.py), a later page is read alone as REST reads it, and
`totalCount` is one grouped count for every portfolio asked. The root `projects` reads its
pages through `project_rows` too."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pmo_api.core.listing import ListQuery
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, connection, list_query
from pmo_api.health.rules import Thresholds
from pmo_api.projects import repository, service
from pmo_api.projects.models import Grouping

T = TypeVar("T")


async def project_rows(
    info: Info, wanted: service.ProjectFilter, query: ListQuery
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the project list as GraphQL reads it: without health, unless a health filter
    reads it, which then primes `project.health` (no second read)."""
    ctx = info.context
    async with ctx.db.read() as conn:
        found, next_cursor = await service.list_projects(
            conn,
            ctx.principal,
            wanted,
            query,
            thresholds=Thresholds.of(ctx.settings),
            with_health=False,
        )
    loader = ctx.loaders.health_by_project
    for row, health in found:
        if health is not None:
            loader.prime(row.id, health)
    return [row._asdict() for row, _ in found], next_cursor


async def projects_of(
    info: Info,
    portfolio_id: uuid.UUID,
    first: int,
    after: str | None,
    to_node: Callable[[Mapping[Any, Any]], T],
    *,
    group: Grouping = Grouping.PORTFOLIO,
) -> Connection[T]:
    """`portfolio.projects`, or `program.projects` with `group` (`portfolio_id`: the
    programme's id then), batched alike."""
    query, ctx = list_query(first, after), info.context
    sort = repository.sort_of(ListQuery(query.limit, None, None, None, None))
    in_program = group is Grouping.PROGRAM
    loaders = ctx.loaders
    first_pages = loaders.projects_by_program if in_program else loaders.projects_by_portfolio
    counts = (
        loaders.project_counts_by_program if in_program else loaders.project_counts_by_portfolio
    )
    rows: Sequence[Mapping[Any, Any]]
    if after is None:
        found = await first_pages.load((portfolio_id, query.limit + 1))
        rows = list(found[: query.limit])
        next_cursor = sort.cursor_for(rows[-1]) if len(found) > query.limit else None
    else:
        if in_program:
            wanted = service.ProjectFilter(program_ids=[portfolio_id])
        else:
            wanted = service.ProjectFilter(portfolio_ids=[portfolio_id])
        rows, next_cursor = await project_rows(info, wanted, query)

    async def count() -> int:
        return await counts.load(portfolio_id)

    return connection(rows, next_cursor, sort, to_node, count)
