"""The price of a time entry: its hours x the resource's cost rate in force that day (the rate
whose `effective_from` is the latest on or before it), in minor units rounded half up; no rate
in force prices it at 0. A rate is in its own currency: one that differs from the currency of
the entry's project (its portfolio's) is refused, since a cost is summed with the project's
other costs and nothing here converts money.

An entry is priced when written, and every entry of a resource again when one of its rates is
written, in the same transaction: the stored `cost` is what evm/actuals.py adds to the
project's actual cost, so a rate change moves it as if the entries had been priced at once."""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.clock import utcnow
from pmo_api.core.errors import Invalid
from pmo_api.evm import aggregates
from pmo_api.portfolios.models import portfolios
from pmo_api.projects.models import projects
from pmo_api.resources.models import resource_rates, time_entries


class Rate(NamedTuple):
    effective_from: date
    rate: int  # minor units per hour
    currency: str


def price(hours: float, rate: int | None) -> int:
    """hours (2 decimals at most) x rate (minor units per hour), rounded half up."""
    if rate is None:
        return 0
    exact = Decimal(repr(hours)).quantize(Decimal("0.01")) * rate
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


async def rates_of(conn: AsyncConnection, resource_id: uuid.UUID) -> list[Rate]:
    """The resource's rates, oldest first."""
    stmt = (
        select(resource_rates.c.effective_from, resource_rates.c.rate, resource_rates.c.currency)
        .where(resource_rates.c.resource_id == resource_id)
        .order_by(resource_rates.c.effective_from)
    )
    return [Rate(*row) for row in (await conn.execute(stmt)).all()]


def in_force(rates: Sequence[Rate], day: date) -> Rate | None:
    """The rate of `rates` (oldest first) in force on `day`, if any."""
    at = bisect.bisect_right([r.effective_from for r in rates], day)
    return rates[at - 1] if at else None


def checked(rate: Rate | None, currency: str, resource_id: Any, day: date, at: list[Any]) -> None:
    """A 422 naming `at` when the rate is in another currency than the project's."""
    if rate is not None and rate.currency != currency:
        raise Invalid.field(
            at,
            f"resource {resource_id}'s rate in force on {day} is in {rate.currency}, the "
            f"project's portfolio counts in {currency}: a time entry cannot convert money",
            "currency_mismatch",
        )


async def reprice(conn: AsyncConnection, resource_id: uuid.UUID) -> None:
    """Price every time entry of the resource again at its rates as they now are (after a
    rate write), and rebuild the aggregates of the projects whose entries changed. An entry
    whose new rate is in another currency than its project's refuses the rate write (422)."""
    rates = await rates_of(conn, resource_id)
    stmt = (
        select(
            time_entries.c.id,
            time_entries.c.project_id,
            time_entries.c.work_date,
            time_entries.c.hours,
            time_entries.c.rate,
            time_entries.c.cost,
            portfolios.c.currency,
        )
        .join(projects, projects.c.id == time_entries.c.project_id)
        .join(portfolios, portfolios.c.id == projects.c.portfolio_id)
        .where(time_entries.c.resource_id == resource_id)
    )
    changed: list[dict[str, Any]] = []
    touched: set[uuid.UUID] = set()
    for row in (await conn.execute(stmt)).all():
        rate = in_force(rates, row.work_date)
        checked(rate, row.currency, resource_id, row.work_date, ["body", "currency"])
        amount = None if rate is None else rate.rate
        cost = price(row.hours, amount)
        if (amount, cost) != (row.rate, row.cost):
            changed.append({"_id": row.id, "_rate": amount, "_cost": cost})
            touched.add(row.project_id)
    if not changed:
        return
    # Lock the projects first, as every write under a project does (their aggregates follow).
    ids = sorted(touched)
    await conn.execute(select(projects.c.id).where(projects.c.id.in_(ids)).with_for_update())
    # A derived change (the rate write is the audited one): a new version and updated_at, so
    # ETags and `updated_since` feeds see the new price.
    await conn.execute(
        update(time_entries)
        .where(time_entries.c.id == bindparam("_id"))
        .values(
            rate=bindparam("_rate"),
            cost=bindparam("_cost"),
            version=time_entries.c.version + 1,
            updated_at=utcnow(),
        ),
        changed,
    )
    await aggregates.refresh(conn, ids)
