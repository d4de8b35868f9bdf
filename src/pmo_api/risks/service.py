"""Rules for risks. Services receive the transaction and never commit. Every write recounts
the project's open high and critical risks (evm/aggregates.py), which health reads."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import NotFound
from pmo_api.core.etags import Precondition
from pmo_api.core.money import from_minor, to_minor
from pmo_api.evm import aggregates
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.projects.service import locked_child, visible_project
from pmo_api.risks import repository as repo
from pmo_api.risks import rules
from pmo_api.risks.schemas import RiskCreate, RiskPatch

_MONEY = ("cost_impact", "expected_value")


def risk_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    body = {name: row[name] for name in repo.FIELDS}
    for name in _MONEY:
        body[name] = from_minor(body[name])
    return body


async def visible_risk(
    conn: AsyncConnection, principal: Principal, risk_id: uuid.UUID
) -> RowMapping:
    row = await repo.get(conn, principal, risk_id)
    if row is None:
        raise NotFound(f"risk {risk_id} does not exist")
    return row


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
    new = await insert_row(conn, repo.risks, values, actor=principal)
    await aggregates.refresh_risks(conn, [project["id"]])
    return await visible_risk(conn, principal, new)


async def update_risk(
    conn: AsyncConnection,
    *,
    principal: Principal,
    risk_id: uuid.UUID,
    patch: RiskPatch,
    precondition: Precondition,
) -> RowMapping:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, risk_id, visible_risk)
    precondition.check(current["version"])
    values = _with_derived(patch.changes(), current)
    changes = {k: v for k, v in values.items() if v != current[k]}
    if not changes:
        return current
    await update_row(conn, repo.risks, current, changes, actor=principal)
    await aggregates.refresh_risks(conn, [current["project_id"]])
    return await visible_risk(conn, principal, risk_id)


async def delete_risk(
    conn: AsyncConnection,
    *,
    principal: Principal,
    risk_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    principal.require(Role.editor)
    current = await locked_child(conn, principal, risk_id, visible_risk)
    precondition.check(current["version"])
    await delete_row(conn, repo.risks, current, actor=principal)
    await aggregates.refresh_risks(conn, [current["project_id"]])


async def risk_matrix(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID
) -> dict[str, Any]:
    portfolio = await visible_portfolio(conn, principal, portfolio_id)
    counts, total = (await repo.matrices(conn, [portfolio_id]))[portfolio_id]
    return matrix_json(portfolio, counts, total)


def matrix_json(
    portfolio: Mapping[Any, Any], counts: Mapping[tuple[int, int], int], total: int
) -> dict[str, Any]:
    """`risk_matrix`'s body from a visible portfolio's counts and total (repository.matrices)."""
    cells = [
        {"probability": p, "impact": i, "count": counts.get((p, i), 0)}
        for p in range(1, 6)
        for i in range(1, 6)
    ]
    return {
        "portfolio_id": portfolio["id"],
        "currency": portfolio["currency"],
        "cells": cells,
        "open_risks": sum(counts.values()),
        "expected_value": from_minor(total),
    }
