"""Project health served: from SQL rows (health/repository.py) to health/rules.py's verdict,
for one project, a page, a stream of CSV rows, or a list filtered by health."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, bindparam
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import project_visible
from pmo_api.core.clock import today
from pmo_api.core.errors import NotFound
from pmo_api.core.listing import ListQuery, fetch_page
from pmo_api.core.pagination import Sort
from pmo_api.db.database import Database
from pmo_api.db.hotpath import NamedRows
from pmo_api.evm import formulas, inputs
from pmo_api.health import repository as repo
from pmo_api.health.rules import Facts, Health, Thresholds, assess
from pmo_api.projects.models import projects

# A filtered list reads candidates in chunks of this many rows (or the page size and one, when
# larger): one statement for the rows and one for their health per chunk.
SCAN_CHUNK = 200


@functools.lru_cache(maxsize=20_000)
def _indices(given: inputs.Inputs) -> tuple[float | None, float | None]:
    """CPI and SPI as the API shows them (evm/formulas.py's, rounded), kept per exact inputs."""
    figures = formulas.figures(bac=given.bac, pv=given.pv, ev=given.ev, ac=given.ac)
    return figures["cpi"], figures["spi"]


_assess = functools.lru_cache(maxsize=4096)(assess)


def facts_of(
    row: repo.FactsRow, cpi: float | None, spi: float | None, overdue_actions: int = 0
) -> Facts:
    """What the rules look at for a row of repository.facts (or a row that carries its
    columns), given its indices and its number of overdue action items (overdue_counts)."""
    return Facts(
        cpi=cpi,
        spi=spi,
        overdue_gate=bool(row.overdue_gate),
        overdue_milestone=bool(row.overdue_milestone),
        open_critical_risk=bool(row.open_critical_risk),
        open_high_risk=bool(row.open_high_risk),
        status=row.status,
        overdue_actions=overdue_actions,
        dependency_risk=bool(row.dependency_risk),
        open_critical_issue=bool(row.open_critical_issue),
        open_high_issue=bool(row.open_high_issue),
    )


def from_row(row: repo.FactsRow, thresholds: Thresholds, overdue_actions: int = 0) -> Health:
    """The health of a row of repository.facts (or of a row that carries its columns), given
    its number of overdue action items (overdue_counts; only read when the rule is on)."""
    cpi, spi = _indices(inputs.inputs_of(row))
    return _assess(facts_of(row, cpi, spi, overdue_actions), thresholds)


async def overdue_counts(
    source: AsyncConnection | Database,
    rows: Iterable[repo.FactsRow],
    thresholds: Thresholds,
    as_of: date,
) -> dict[uuid.UUID, int]:
    """The number of overdue action items of each of `rows`' projects that has one, when the
    rule `actions` is on (else none is read: {}). Only the projects whose flag says they have
    an overdue item are counted, in one statement (none when no project has)."""
    if not thresholds.actions_on:
        return {}
    flagged = [row.id for row in rows if row.overdue_action]
    if not flagged:
        return {}
    if isinstance(source, Database):
        async with source.read() as conn:
            return await repo.overdue_action_counts(conn, flagged, as_of)
    return await repo.overdue_action_counts(source, flagged, as_of)


# Built once: an expanding IN parameter lets SQLAlchemy reuse the compiled statement.
_IN_IDS = projects.c.id.in_(bindparam("ids", expanding=True))
_BY_IDS = repo.facts(_IN_IDS)
_ROWS: NamedRows[repo.FactsRow] = NamedRows(_BY_IDS, repo.FactsRow)


async def health_of(
    source: AsyncConnection | Database,
    project_ids: Collection[uuid.UUID],
    *,
    thresholds: Thresholds,
    as_of: date | None = None,
    principal: Principal | None = None,
) -> dict[uuid.UUID, Health]:
    """The health of each project (as of today by default), in one statement whatever their
    number. Projects that do not exist (or, given `principal`, that it may not see) are absent
    from the answer."""
    if not project_ids:
        return {}
    if isinstance(source, Database):
        async with source.read() as conn:
            return await health_of(
                conn, project_ids, thresholds=thresholds, as_of=as_of, principal=principal
            )
    t = as_of or today()
    params = {"ids": sorted(set(project_ids)), **inputs.AsOf(t).params()}
    stmt = _BY_IDS if principal is None else repo.facts(_IN_IDS & project_visible(principal))
    result = await source.execute(stmt, params)
    rows = _ROWS.all(result.all())
    counts = await overdue_counts(source, rows, thresholds, t)
    return {row.id: from_row(row, thresholds, counts.get(row.id, 0)) for row in rows}


async def project_health(
    conn: AsyncConnection, project: Mapping[Any, Any], *, thresholds: Thresholds
) -> dict[str, Any]:
    """`GET /api/v1/projects/{project}/health` of a project row the caller may see: the
    health and each rule's verdict, as of today."""
    t = today()
    found = await health_of(conn, [project["id"]], thresholds=thresholds, as_of=t)
    health = found.get(project["id"])
    if health is None:  # deleted since it was read
        raise NotFound(f"project {project['code']} does not exist")
    return {"project_id": project["id"], "code": project["code"], "as_of": t, **health.body()}


class Identified(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    def _asdict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Identified)


async def page_with_health(
    conn: AsyncConnection,
    stmt: Select[Any],
    sort: Sort,
    query: ListQuery,
    *,
    rows: NamedRows[R],
    thresholds: Thresholds,
    wanted: Collection[str] = (),
) -> tuple[list[tuple[R, Health]], str | None]:
    """A page of `stmt` in `sort` order (as `rows` names them), each row with its health: two
    statements. With `wanted` (health values, OR), only the rows whose health is one of them:
    health is computed, not stored, so candidates are read in keyset order a chunk at a time
    (two statements per chunk) until the page is full and one more match is seen (then
    `next_cursor` points after the page's last row) or the candidates run out (then it is
    None). A page may so read many candidates when few match, never more than the list holds."""
    if not wanted:
        page, next_cursor = await fetch_page(conn, stmt, sort, query, positional=True)
        named = rows.all(page)
        healths = await health_of(conn, [r.id for r in named], thresholds=thresholds)
        # A row whose project was deleted between the two statements is left out.
        return [(r, healths[r.id]) for r in named if r.id in healths], next_cursor
    chunk = ListQuery(
        max(SCAN_CHUNK, query.limit + 1), query.cursor, query.sort, query.q, query.updated_since
    )
    found: list[tuple[R, Health]] = []
    while True:
        page, next_cursor = await fetch_page(conn, stmt, sort, chunk, positional=True)
        named = rows.all(page)
        healths = await health_of(conn, [r.id for r in named], thresholds=thresholds)
        for row in named:
            health = healths.get(row.id)
            if health is None or health.health not in wanted:
                continue
            if len(found) == query.limit:
                return found, sort.cursor_for(found[-1][0]._asdict())
            found.append((row, health))
        if next_cursor is None:
            return found, None
        chunk = ListQuery(chunk.limit, next_cursor, query.sort, query.q, query.updated_since)
