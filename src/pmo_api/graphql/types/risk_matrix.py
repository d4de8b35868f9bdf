"""The `RiskMatrix` type (with `RiskMatrixCell`, which exists only inside it) and
`portfolio.riskMatrix`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Self

import strawberry

from pmo_api.graphql.bodies import from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.risks import service


@strawberry.type
class RiskMatrixCell:
    probability: int
    impact: int
    count: int


@strawberry.type(
    description="Open risks (status OPEN or MITIGATING) of a portfolio in the 5 x 5 "
    "probability x impact grid, and their total expected value."
)
class RiskMatrix:
    portfolio_id: strawberry.ID
    currency: str
    cells: list[RiskMatrixCell] = strawberry.field(
        description="All 25 cells, probability 1-5 x impact 1-5.", metadata=bounded(25)
    )
    open_risks: int
    expected_value: float

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Self:
        cells = [RiskMatrixCell(**cell) for cell in body["cells"]]
        return from_body(cls, body, cells=cells)


async def risk_matrix_of(info: Info, portfolio_id: uuid.UUID, currency: str) -> RiskMatrix:
    """`portfolio.riskMatrix`, through a DataLoader."""
    counts, total = await info.context.loaders.risk_matrix_by_portfolio.load(portfolio_id)
    portfolio = {"id": portfolio_id, "currency": currency}
    return RiskMatrix.from_body(service.matrix_json(portfolio, counts, total))
