"""Rules for risks. Services receive the transaction and never commit. Every write recounts
the project's open high and critical risks (evm/aggregates.py), which health reads."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import delete_row, insert_row
from pmo_api.core.errors import found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.core.money import from_minor, to_minor
from pmo_api.evm import aggregates
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project
from pmo_api.risks import repository as repo
from pmo_api.risks import rules
from pmo_api.risks.models import risks
from pmo_api.risks.schemas import RiskCreate, RiskListParams, RiskPatch

_MONEY = ("cost_impact", "expected_value")


@dataclass(frozen=True)
class RiskFilter:
    """The filters of the risk lists: the feed (every project the caller may see) and one
    project's register (`project`). Several values of one filter are an OR. Hashable: it is
    part of a DataLoader's key."""

    project: str | None = None  # the one project of the list (id or code); 404 if not visible
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()  # ids or codes; naming nothing that can exist, no rows
    status: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    min_score: int | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: RiskListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> RiskFilter:
        """From the parameters REST validates (GraphQL validates its filter with them too)."""
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_risks(
    conn: AsyncConnection, principal: Principal, filter: RiskFilter, *, sort: str | None = None
) -> Listing:
    """The risks the caller may see that match `filter` (rows in FIELDS order), in `sort`
    order (default: creation): the feed, a project's register, their CSV and GraphQL's
    `risks` and `project.risks` alike."""
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, risks.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


def risk_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.FIELDS}
    for name in _MONEY:
        body[name] = from_minor(body[name])
    return body


async def visible_risk(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"risk {object_id}")


def _with_derived(values: dict[str, Any], current: Mapping[Any, Any] | None) -> dict[str, Any]:
    """Money in cents, and score, severity and expected value for the risk after the change."""
    if values.get("cost_impact") is not None:
        values["cost_impact"] = to_minor(values["cost_impact"])
    merged = {**(current or {}), **values}
    return {
        **values,
        **rules.derived(merged["probability"], merged["impact"], merged["cost_impact"]),
    }


async def create_risk(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: RiskCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    values = _with_derived({"project_id": project["id"], **data.model_dump()}, None)
    new = await insert_row(conn, risks, values, actor=principal)
    await aggregates.refresh_risks(conn, [project["id"]])
    return await visible_risk(conn, principal, new)


async def update_risk(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: RiskPatch,
    precondition: Precondition,
) -> RowMapping:
    current = await child_to_write(conn, principal, object_id, visible_risk, precondition)
    changes = _with_derived(patch.changes(), current)
    return await update_child(
        conn, principal, risks, current, changes, visible_risk, refresh=aggregates.refresh_risks
    )


async def delete_risk(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_risk, precondition)
    await delete_row(conn, risks, current, actor=principal)
    await aggregates.refresh_risks(conn, [current["project_id"]])


async def risk_matrix(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID
) -> dict[str, Any]:
    portfolio = await visible_portfolio(conn, principal, portfolio_id)
    counts, total = (await repo.matrices(conn, principal, [portfolio_id]))[portfolio_id]
    return matrix_json(portfolio, counts, total)


def matrix_json(
    portfolio: Mapping[Any, Any], counts: Mapping[tuple[int, int], int], total: int
) -> dict[str, Any]:
    """`risk_matrix`'s body from a visible portfolio's counts and total (repository.matrices)."""
    return {"portfolio_id": portfolio["id"], **matrix_cells(portfolio, counts, total)}


def matrix_cells(
    owner: Mapping[Any, Any], counts: Mapping[tuple[int, int], int], total: int
) -> dict[str, Any]:
    """A risk matrix's figures (of a portfolio or a programme: `owner`, with its currency)."""
    cells = [
        {"probability": p, "impact": i, "count": counts.get((p, i), 0)}
        for p in range(1, 6)
        for i in range(1, 6)
    ]
    return {
        "currency": owner["currency"],
        "cells": cells,
        "open_risks": sum(counts.values()),
        "expected_value": from_minor(total),
    }
