"""SQL for projects. Every read joins the portfolio (for `currency`) and applies the caller's
portfolio scope; hot paths select columns into plain rows (no ORM hydration)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    Uuid,
    bindparam,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.access.scope import LIVE, readable_projects
from pmo_api.core.listing import ListQuery, check_text, fetch_page, narrowed
from pmo_api.core.pagination import Sort, SortField, parse_sort
from pmo_api.db.base import table_of
from pmo_api.db.database import Database
from pmo_api.db.hotpath import HotQuery, NamedRows
from pmo_api.evm.inputs import AsOf
from pmo_api.health import repository as health_repo
from pmo_api.portfolios.models import Portfolio
from pmo_api.projects.models import Grouping, Project
from pmo_api.projects.schemas import CODE_PATTERN

projects = table_of(Project)
portfolios = table_of(Portfolio)

_code_re = re.compile(CODE_PATTERN)

SORTS = {
    "id": SortField("id", projects.c.id, "uuid"),
    "code": SortField("code", projects.c.code, "str"),
    "name": SortField("name", projects.c.name, "str"),
    "priority": SortField("priority", projects.c.priority, "int"),
    "status": SortField("status", projects.c.status, "str"),
    "budget": SortField("budget", projects.c.budget, "int"),
    "start_date": SortField("start_date", projects.c.start_date, "date", nullable=True),
    "finish_date": SortField("finish_date", projects.c.finish_date, "date", nullable=True),
    "created_at": SortField("created_at", projects.c.created_at, "datetime"),
    "updated_at": SortField("updated_at", projects.c.updated_at, "datetime"),
}
DEFAULT_SORT = "created_at"


# A project as the API shows it, in its field order. The JSON lists come back as JSON text, which
# responses embed untouched (orjson.Fragment) instead of decoding and encoding them again.
JSON_LISTS = ("objectives", "deliverables", "constraints", "tags")
API_FIELDS = (
    "id",
    "code",
    "portfolio_id",
    "program_id",
    "name",
    "description",
    "objectives",
    "scope",
    "deliverables",
    "constraints",
    "sponsor",
    "manager",
    "priority",
    "status",
    "start_date",
    "finish_date",
    "actual_start",
    "actual_finish",
    "budget",
    "currency",
    "ev_method",
    "tags",
    "template_id",
    "template_version",
    "created_at",
    "updated_at",
    "version",
)


class ProjectRow(Protocol):
    """A row of presented(): a project as the API shows it, read by name (JSON lists as text)."""

    id: uuid.UUID
    code: str
    portfolio_id: uuid.UUID
    program_id: uuid.UUID | None
    name: str
    description: str | None
    objectives: str
    scope: str | None
    deliverables: str
    constraints: str
    sponsor: str | None
    manager: str | None
    priority: int
    status: str
    start_date: date | None
    finish_date: date | None
    actual_start: date | None
    actual_finish: date | None
    budget: int
    currency: str
    ev_method: str
    tags: str
    template_id: uuid.UUID | None
    template_version: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    def _asdict(self) -> dict[str, Any]: ...


class ProjectWithHealthRow(ProjectRow, health_repo.FactsRow, Protocol):
    """A row of BY_ID/BY_CODE: the project, then the facts of its health."""


def _api_column(name: str) -> Any:
    if name == "currency":
        return portfolios.c.currency
    if name in JSON_LISTS:
        return cast(projects.c[name], Text).label(name)
    return projects.c[name]


_API_COLUMNS = tuple(_api_column(n) for n in API_FIELDS)


def _with_portfolio(stmt: Select[Any]) -> Select[Any]:
    return stmt.join(portfolios, portfolios.c.id == projects.c.portfolio_id)


def _with_health(where: ColumnElement[bool]) -> Select[Any]:
    """Live projects matching `where`, as the API shows them, each followed by the columns of
    its health's facts that the project's own do not give (health/repository.py, as of the
    date of inputs.AsOf(t).params()): one statement."""
    facts = health_repo.facts(where).subquery("health")
    more = [column for column in facts.c if column.key not in API_FIELDS]
    stmt = _with_portfolio(select(*_API_COLUMNS, *more)).join(facts, facts.c.id == projects.c.id)
    return stmt.where(LIVE, where)


# The hottest reads, with the project's health. Unscoped on purpose: the service checks the
# caller's scope on the one row, so one compiled statement serves every caller.
BY_ID: HotQuery[ProjectWithHealthRow] = HotQuery(
    _with_health(projects.c.id == bindparam("ref", type_=Uuid)), ProjectWithHealthRow
)
BY_CODE: HotQuery[ProjectWithHealthRow] = HotQuery(
    _with_health(projects.c.code == bindparam("ref", type_=String)), ProjectWithHealthRow
)


def presented(principal: Principal) -> Select[Any]:
    """Projects the caller may see, as the API shows them (PRESENTED.of makes its rows)."""
    return _with_portfolio(readable_projects(principal, *_API_COLUMNS))


PRESENTED: NamedRows[ProjectRow] = NamedRows(select(*_API_COLUMNS), ProjectRow)


def parse_ref(ref: str) -> uuid.UUID | str | None:
    """`{project}` in a path is an id or a code: the UUID, the code, or None (neither)."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        return ref if _code_re.fullmatch(ref) else None


def split_refs(refs: Sequence[str]) -> tuple[list[uuid.UUID], list[str]]:
    """`project` filter values (ids or codes) as the ids and the codes; neither is dropped."""
    ids: list[uuid.UUID] = []
    codes: list[str] = []
    for ref in refs:
        parsed = parse_ref(ref)
        if isinstance(parsed, uuid.UUID):
            ids.append(parsed)
        elif parsed is not None:
            codes.append(parsed)
    return ids, codes


def in_groups(
    portfolio_ids: Sequence[uuid.UUID], program_ids: Sequence[uuid.UUID]
) -> tuple[tuple[ColumnElement[Any], Sequence[uuid.UUID]], ...]:
    """The `portfolio_id` and `program_id` filters of every list of what projects own, as
    `core.listing.narrowed`'s `among` pairs on the owning project (no ids: no filter). The one
    place a list narrows to portfolios or programmes, so each list offers both."""
    return ((projects.c.portfolio_id, portfolio_ids), (projects.c.program_id, program_ids))


def named(refs: Sequence[str], project_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """Rows whose project (`project_id`, with `projects` joined) one of `refs` names, by id or
    code (an OR). References that cannot name a project match nothing (an empty IN), so a
    filter of impossible values never widens to every row."""
    ids, codes = split_refs(refs)
    return or_(project_id.in_(ids), projects.c.code.in_(codes))


async def fetch_presented(db: Database, ref: str, t: date) -> ProjectWithHealthRow | None:
    """One live project by id or code, whoever may see it, with the facts of its health as of
    `t`."""
    parsed = parse_ref(ref)
    if parsed is None:
        return None
    query = BY_ID if isinstance(parsed, uuid.UUID) else BY_CODE
    return await query.fetchrow(db, ref=parsed, **AsOf(t).params())


async def limited_sees(db: Database, principal: Principal, ref: str) -> bool:
    """Whether a caller limited to some portfolios sees project `ref`, before the hot read:
    one indexed read that does the same work for a project outside its portfolios as for one
    that does not exist, so neither 404 answers measurably slower (docs/security.md)."""
    parsed = parse_ref(ref)
    if parsed is None:
        return False
    column = projects.c.id if isinstance(parsed, uuid.UUID) else projects.c.code
    async with db.read() as conn:
        found = await conn.execute(
            readable_projects(principal, projects.c.id).where(column == parsed)
        )
        return found.first() is not None


def visible(principal: Principal) -> Select[Any]:
    return _with_portfolio(readable_projects(principal, projects, portfolios.c.currency))


async def get(
    conn: AsyncConnection, principal: Principal, ref: str | uuid.UUID, *, lock: bool = False
) -> RowMapping | None:
    parsed = ref if isinstance(ref, uuid.UUID) else parse_ref(ref)
    if parsed is None:
        return None
    column = projects.c.id if isinstance(parsed, uuid.UUID) else projects.c.code
    stmt = visible(principal).where(column == parsed)
    if lock:
        stmt = stmt.with_for_update(of=projects)
    row: RowMapping | None = (await conn.execute(stmt)).mappings().one_or_none()
    return row


async def get_many(
    conn: AsyncConnection, principal: Principal, ids: Sequence[uuid.UUID]
) -> Sequence[RowMapping]:
    stmt = visible(principal).where(projects.c.id.in_(ids))
    rows: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return rows


def filtered(
    base: Select[Any],
    query: ListQuery,
    *,
    portfolio_id: Sequence[uuid.UUID] = (),
    program_id: Sequence[uuid.UUID] = (),
    status: Sequence[str] = (),
    priority: Sequence[int] = (),
    code: Sequence[str] = (),
    manager: Sequence[str] = (),
    sponsor: Sequence[str] = (),
    ev_method: Sequence[str] = (),
) -> Select[Any]:
    """`base` (visible() or presented() for the caller) narrowed by the list's filters."""
    stmt = base
    for name, texts in (("code", code), ("manager", manager), ("sponsor", sponsor)):
        check_text(name, texts)
    return narrowed(
        stmt,
        projects,
        among=(
            (projects.c.portfolio_id, portfolio_id),
            (projects.c.program_id, program_id),
            (projects.c.status, status),
            (projects.c.priority, priority),
            (projects.c.code, code),
            (projects.c.manager, manager),
            (projects.c.sponsor, sponsor),
            (projects.c.ev_method, ev_method),
        ),
        q=query.q,
        search=(projects.c.code, projects.c.name, projects.c.description),
        updated_since=query.updated_since,
    )


def sort_of(query: ListQuery) -> Sort:
    return parse_sort(query.sort, SORTS, DEFAULT_SORT)


async def page(
    conn: AsyncConnection, stmt: Select[Any], query: ListQuery
) -> tuple[Sequence[RowMapping], str | None]:
    return await fetch_page(conn, stmt, sort_of(query), query)


async def presented_page(
    conn: AsyncConnection, stmt: Select[Any], query: ListQuery
) -> tuple[Sequence[Any], str | None]:
    """A page of presented() rows, positional (cheaper than mappings for 100s of rows)."""
    return await fetch_page(conn, stmt, sort_of(query), query, positional=True)


async def code_taken(
    conn: AsyncConnection, code: str, *, other_than: uuid.UUID | None = None
) -> bool:
    cond = projects.c.code == code
    if other_than is not None:
        cond = cond & (projects.c.id != other_than)
    return bool((await conn.execute(select(exists().where(cond)))).scalar())


async def page_by_portfolio(
    conn: AsyncConnection,
    principal: Principal,
    portfolio_ids: Sequence[uuid.UUID],
    first: int,
    *,
    group: Grouping = Grouping.PORTFOLIO,
) -> Sequence[RowMapping]:
    """The first `first` projects (creation order) of each portfolio (or programme: `group`),
    in one statement."""
    owner = projects.c[group.value]
    order = (projects.c.created_at, projects.c.id)
    rank = func.row_number().over(partition_by=owner, order_by=order).label("rank")
    inner = visible(principal).add_columns(rank).where(owner.in_(portfolio_ids))
    sub = inner.subquery()
    stmt = select(sub).where(sub.c.rank <= first).order_by(sub.c[group.value], sub.c.rank)
    return (await conn.execute(stmt)).mappings().all()
