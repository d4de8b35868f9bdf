"""`PortfolioEvm` (with its rows, `PortfolioEvmProject`): `portfolio.evm`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from pmo_api.core.listing import MAX_LIMIT
from pmo_api.evm import service as earned_value
from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import page_size
from pmo_api.graphql.types.earned_value import EarnedValue
from pmo_api.graphql.types.evm_rollup import EvmRollup

if TYPE_CHECKING:
    from pmo_api.graphql.types.project import ProjectStatus


@strawberry.type
class PortfolioEvmProject(EarnedValue):
    project_id: strawberry.ID
    code: str
    name: str
    status: Annotated[ProjectStatus, strawberry.lazy("pmo_api.graphql.types.project")]


@strawberry.type
class PortfolioEvm:
    portfolio_id: strawberry.ID
    as_of: date
    currency: str
    rollup: EvmRollup
    rows: strawberry.Private[list[PortfolioEvmProject]]

    @strawberry.field(description="One row per project, the first `first` (at most 500).")
    def projects(self, first: int = MAX_LIMIT) -> list[PortfolioEvmProject]:
        return self.rows[: page_size(first)]

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Self:
        return from_body(
            cls,
            body,
            rollup=from_body(EvmRollup, body["rollup"]),
            rows=[from_body(PortfolioEvmProject, row) for row in body["projects"]],
        )


async def portfolio_evm_of(info: Info, portfolio_id: uuid.UUID, as_of: date | None) -> PortfolioEvm:
    """`portfolio.evm(asOf)`, from the function GET /api/v1/portfolios/{id}/evm calls."""
    ctx = info.context
    found = await earned_value.portfolio_evm(ctx.db, ctx.principal, portfolio_id, as_of)
    return PortfolioEvm.from_body(found.body())
