"""Rules for portfolios and objectives. Services receive the transaction and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.access.scope import limited
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Forbidden, NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import ListQuery
from pmo_api.portfolios import repository as repo
from pmo_api.portfolios.schemas import (
    ObjectiveCreate,
    ObjectivePatch,
    PortfolioCreate,
    PortfolioPatch,
)

_FIELDS = ("id", "name", "description", "currency", "owner", "created_at", "updated_at", "version")
_OBJECTIVE_FIELDS = (
    "id",
    "portfolio_id",
    "name",
    "description",
    "weight",
    "created_at",
    "updated_at",
    "version",
)


def portfolio_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in _FIELDS}


def objective_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in _OBJECTIVE_FIELDS}


@dataclass(frozen=True)
class PortfolioFilter:
    """The filters of the portfolio list (REST's; GraphQL's has none). Several values of one
    filter are an OR."""

    currency: Sequence[str] = ()
    owner: Sequence[str] = ()


async def list_portfolios(
    conn: AsyncConnection, principal: Principal, filter: PortfolioFilter, query: ListQuery
) -> tuple[Sequence[RowMapping], str | None]:
    """A page of the portfolios the caller may see that match `filter`."""
    return await repo.page(conn, principal, query, currency=filter.currency, owner=filter.owner)


def matching_portfolios(
    principal: Principal, filter: PortfolioFilter, query: ListQuery
) -> Select[Any]:
    """Every portfolio list_portfolios pages (for a count: GraphQL's `totalCount`)."""
    return repo.listed(principal, query, currency=filter.currency, owner=filter.owner)


def matching_objectives(portfolio_id: uuid.UUID, query: ListQuery) -> Select[Any]:
    """Every objective list_objectives pages, of a portfolio the caller sees (for a count)."""
    return repo.objectives_listed(portfolio_id, query)


async def list_objectives(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID, query: ListQuery
) -> tuple[Sequence[RowMapping], str | None]:
    """A page of a portfolio's strategic objectives; 404 when the caller may not see it."""
    await visible_portfolio(conn, principal, portfolio_id)
    return await repo.objective_page(conn, portfolio_id, query)


async def visible_portfolio(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID, *, lock: bool = False
) -> RowMapping:
    row = await repo.get(conn, principal, portfolio_id, lock=lock)
    if row is None:
        raise NotFound(f"portfolio {portfolio_id} does not exist")
    return row


async def create_portfolio(
    conn: AsyncConnection, *, principal: Principal, data: PortfolioCreate
) -> RowMapping:
    principal.require(Role.admin)
    if limited(principal):
        # A key's portfolios are fixed when it is made: a limited admin could never see (or
        # manage) the portfolio it created.
        raise Forbidden("creating portfolios needs an admin key that is not limited to portfolios")
    if await repo.name_taken(conn, data.name):
        raise Conflict(f"a portfolio named '{data.name}' already exists")
    new_id = await insert_row(conn, repo.portfolios, data.model_dump(), actor=principal)
    row = await repo.get(conn, principal.unscoped(), new_id)
    assert row is not None
    return row


async def update_portfolio(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: PortfolioPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.admin)
    current = await visible_portfolio(conn, principal, object_id, lock=True)
    precondition.check(current["version"])
    changes = {k: v for k, v in patch.changes().items() if v != current[k]}
    if not changes:
        return current
    if "name" in changes and await repo.name_taken(conn, changes["name"], other_than=object_id):
        raise Conflict(f"a portfolio named '{changes['name']}' already exists")
    if "currency" in changes and await repo.has_projects(conn, object_id):
        raise Conflict(
            "the currency of a portfolio that has projects cannot change: their money figures "
            "are recorded in the current currency"
        )
    await update_row(conn, repo.portfolios, current, changes, actor=principal)
    return await visible_portfolio(conn, principal, object_id)


async def delete_portfolio(
    conn: AsyncConnection, *, principal: Principal, object_id: uuid.UUID, precondition: Precondition
) -> None:
    principal.require(Role.admin)
    current = await visible_portfolio(conn, principal, object_id, lock=True)
    precondition.check(current["version"])
    if await repo.has_projects(conn, object_id):
        raise Conflict("a portfolio that has projects cannot be deleted; move or delete them first")
    await delete_row(conn, repo.portfolios, current, actor=principal)


async def visible_objective(
    conn: AsyncConnection,
    principal: Principal,
    portfolio_id: uuid.UUID,
    objective_id: uuid.UUID,
    *,
    lock: bool = False,
) -> RowMapping:
    row = await repo.get_objective(conn, principal, portfolio_id, objective_id, lock=lock)
    if row is None:
        raise NotFound(f"objective {objective_id} does not exist in portfolio {portfolio_id}")
    return row


async def create_objective(
    conn: AsyncConnection, *, principal: Principal, portfolio_id: uuid.UUID, data: ObjectiveCreate
) -> RowMapping:
    principal.require(Role.admin)
    await visible_portfolio(conn, principal, portfolio_id, lock=True)
    new_id = await insert_row(
        conn, repo.objectives, {"portfolio_id": portfolio_id, **data.model_dump()}, actor=principal
    )
    return await visible_objective(conn, principal, portfolio_id, new_id)


async def update_objective(
    conn: AsyncConnection,
    *,
    portfolio_id: uuid.UUID,
    principal: Principal,
    object_id: uuid.UUID,
    patch: ObjectivePatch,
    precondition: Precondition,
) -> RowMapping:
    """(core/writes.Update once `portfolio_id` is bound.)"""
    principal.require(Role.admin)
    current = await visible_objective(conn, principal, portfolio_id, object_id, lock=True)
    precondition.check(current["version"])
    changes = {k: v for k, v in patch.changes().items() if v != current[k]}
    if not changes:
        return current
    await update_row(conn, repo.objectives, current, changes, actor=principal)
    return await visible_objective(conn, principal, portfolio_id, object_id)


async def delete_objective(
    conn: AsyncConnection,
    *,
    portfolio_id: uuid.UUID,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    """(core/writes.Delete once `portfolio_id` is bound.)"""
    principal.require(Role.admin)
    current = await visible_objective(conn, principal, portfolio_id, object_id, lock=True)
    precondition.check(current["version"])
    await delete_row(conn, repo.objectives, current, actor=principal)
