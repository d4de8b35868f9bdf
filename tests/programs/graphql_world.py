"""What the GraphQL suites of programmes share: a portfolio with a worked programme built
through REST, the fields GraphQL selects, and REST's health body as GraphQL shows it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import make_portfolio, make_project, post_created
from tests.graphql_registers import FIGURES, JAN

PROGRAM = (
    "id portfolioId name description objectives sponsor manager status currency createdAt "
    "updatedAt version"
)
HEALTH = (
    "programId portfolioId asOf health decidedBy projects { projectId code asOf health reason "
    "rules { rule status detail } decidedBy }"
)
EVM = (
    f"programId portfolioId asOf currency rollup {{ {FIGURES} }} "
    f"projects {{ projectId code name status {FIGURES} }}"
)
MATRIX = "programId portfolioId currency cells { probability impact count } openRisks expectedValue"
AS_OF = "2026-01-20"


async def worked_program(
    client: httpx.AsyncClient, portfolio_id: str | None = None, *, n: int = 1
) -> dict[str, Any]:
    """A programme of two projects over 1-10 Jan 2026: one on plan (its milestone done, costs
    as planned), one with an overdue open gate (red) and two open risks; a third project of the
    portfolio outside it. Its objectives: one of the portfolio's."""
    if portfolio_id is None:
        portfolio_id = (await make_portfolio(client, currency="EUR"))["id"]
    objective = await post_created(
        client, f"/api/v1/portfolios/{portfolio_id}/objectives", {"name": f"Grow {n}"}
    )
    program = await post_created(
        client,
        f"/api/v1/portfolios/{portfolio_id}/programs",
        {
            "name": f"Programme {n}",
            "description": "Related work",
            "objectives": [objective["id"]],
            "sponsor": "Ana",
            "manager": "Bo",
            "status": "active",
        },
    )
    active = {**JAN, "status": "active", "program_id": program["id"]}
    green = await make_project(client, portfolio_id, budget=1000, **active)
    base = f"/api/v1/projects/{green['code']}"
    done = {"name": "all", "due_date": "2026-01-10", "completed_on": "2026-01-10"}
    await post_created(client, f"{base}/milestones", done)
    await post_created(client, f"{base}/costs", {"incurred_on": "2026-01-05", "amount": 900})
    red = await make_project(client, portfolio_id, budget=500, **active)
    base = f"/api/v1/projects/{red['code']}"
    gate = {"name": "gate", "due_date": "2026-01-05", "is_gate": True}
    await post_created(client, f"{base}/milestones", gate)
    for p, i in ((5, 5), (2, 3)):
        risk = {"title": "r", "probability": p, "impact": i, "cost_impact": 100}
        await post_created(client, f"{base}/risks", risk)
    await make_project(client, portfolio_id, budget=9000, **JAN)  # outside the programme
    return program


def health_as_graphql(rest: dict[str, Any]) -> dict[str, Any]:
    """GET /programs/{id}/health as `healthReport { HEALTH }` shows it."""

    def up(value: str | None) -> str | None:
        return None if value is None else value.upper()

    def verdict(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "projectId": row["project_id"],
            "code": row["code"],
            "asOf": rest["as_of"],
            "health": up(row["health"]),
            "reason": row["reason"],
            "rules": [
                {"rule": up(r["rule"]), "status": up(r["status"]), "detail": r["detail"]}
                for r in row["rules"]
            ],
            "decidedBy": [up(d) for d in row["decided_by"]],
        }

    return {
        "programId": rest["program_id"],
        "portfolioId": rest["portfolio_id"],
        "asOf": rest["as_of"],
        "health": up(rest["health"]),
        "decidedBy": rest["decided_by"],
        "projects": [verdict(row) for row in rest["projects"]],
    }
