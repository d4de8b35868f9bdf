"""The one scope rule: what a caller may read.

A caller sees a project when it is live (not archived) and inside one of the caller's
portfolios, and everything a project owns through that project. Every repository and every
DataLoader starts its reads from a statement given here, so the rule is written once; `make
lint` (tools/lint_scope.py) fails when a portfolio filter or the archived test is written
anywhere else.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, func, or_, select, true

from pmo_api.access.principal import Principal
from pmo_api.portfolios.models import portfolios
from pmo_api.projects.models import projects

# Archived projects (deleted, but kept for their cost history) are gone from every read.
LIVE = projects.c.archived_at.is_(None)


def in_portfolios(principal: Principal, column: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """`column` (a portfolio id) is one of the caller's portfolios."""
    if principal.portfolio_ids is None:
        return true()
    return column.in_(sorted(principal.portfolio_ids))


def project_visible(principal: Principal) -> ColumnElement[bool]:
    """The rule itself, on the `projects` table: a live project inside the caller's portfolios."""
    return and_(LIVE, in_portfolios(principal, projects.c.portfolio_id))


def visible_alias(principal: Principal, alias: Any) -> ColumnElement[bool]:
    """The rule on an alias of the `projects` table (a row that joins two projects, such as a
    dependency between milestones of different projects, names each end's project apart)."""
    return and_(alias.c.archived_at.is_(None), in_portfolios(principal, alias.c.portfolio_id))


def readable_portfolios(principal: Principal, *columns: Any) -> Select[Any]:
    """Portfolios the caller may see (all columns unless some are named)."""
    return select(*(columns or (portfolios,))).where(in_portfolios(principal, portfolios.c.id))


def readable_projects(principal: Principal, *columns: Any) -> Select[Any]:
    """Projects the caller may see (all columns unless some are named)."""
    return select(*(columns or (projects,))).where(project_visible(principal))


def live_projects(*columns: Any) -> Select[Any]:
    """Every live project, whatever the caller's portfolios: for figures that count what the
    caller may not see without naming it (the hours a resource is booked on any project)."""
    return select(*(columns or (projects,))).where(LIVE)


def readable_rows(
    principal: Principal, table: Table, *columns: Any, with_portfolio: bool = False
) -> Select[Any]:
    """Rows of a table a project owns (`table.project_id`), joined to their project (and, with
    `with_portfolio`, its portfolio), for the projects the caller may see. `columns` replaces
    the selection (default: the table's own columns); columns of the joined tables may be
    named among them."""
    joined = table.join(projects, projects.c.id == table.c.project_id)
    if with_portfolio:
        joined = joined.join(portfolios, portfolios.c.id == projects.c.portfolio_id)
    return select(*(columns or (table,))).select_from(joined).where(project_visible(principal))


def readable_owned_rows(principal: Principal, table: Table, *columns: Any) -> Select[Any]:
    """Rows of a table owned by a project (`table.project_id`) or, with no project, by a
    portfolio (`table.portfolio_id`): the decision log. A project's row is seen through its
    project (live, inside the caller's portfolios), a portfolio's row when the portfolio is
    one of the caller's. `projects` is outer-joined, so its columns may be named (null for a
    portfolio's row); `owner_portfolio_id` gives the portfolio of either kind."""
    joined = table.outerjoin(projects, projects.c.id == table.c.project_id)
    return (
        select(*(columns or (table,)))
        .select_from(joined)
        .where(
            or_(
                and_(table.c.project_id.is_not(None), project_visible(principal)),
                and_(table.c.project_id.is_(None), in_portfolios(principal, table.c.portfolio_id)),
            )
        )
    )


def owner_portfolio_id(table: Table) -> ColumnElement[Any]:
    """The portfolio of a row readable_owned_rows gives: its project's, else its own."""
    return func.coalesce(projects.c.portfolio_id, table.c.portfolio_id)


def sees_portfolio(principal: Principal, portfolio_id: uuid.UUID) -> bool:
    """The rule on a row already read without it: the hot path reads a project unscoped (one
    compiled statement serves every caller), then checks its portfolio here."""
    return principal.sees_portfolio(portfolio_id)


def limited(principal: Principal) -> bool:
    """The caller is limited to some portfolios (its key names them)."""
    return principal.portfolio_ids is not None


# What a row a project owns shows of its project and portfolio, by the names the API gives them.
_OWNER_FIELDS: dict[str, Any] = {
    "project_code": projects.c.code.label("project_code"),
    "portfolio_id": projects.c.portfolio_id,
    "currency": portfolios.c.currency,
}


def readable_fields(principal: Principal, table: Table, names: Sequence[str]) -> Select[Any]:
    """readable_rows (with the portfolio) selecting `names` in that order: columns of `table`,
    or `project_code`, `portfolio_id` and `currency` of its project and portfolio."""
    columns = (_OWNER_FIELDS[n] if n in _OWNER_FIELDS else table.c[n] for n in names)
    return readable_rows(principal, table, *columns, with_portfolio=True)
