"""`HealthReport` (with `HealthRule`) and the enums `HealthStatus`, `HealthRuleName`: a
project's health as `project.health` and `project.healthReport` show it, from the same rules as
REST (health/rules.py) through a DataLoader (graphql/loaders/health_by_project.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Self

import strawberry

from pmo_api.graphql.operation_limits import bounded
from pmo_api.health.rules import Health
from pmo_api.health.rules import HealthRuleName as HealthRuleName
from pmo_api.health.rules import HealthStatus as HealthStatus

# The GraphQL enums are the domain's own StrEnums (health/rules.py), registered here.
strawberry.enum(HealthStatus, name="HealthStatus", description="A project's health (CONTRACT §5).")
strawberry.enum(HealthRuleName, name="HealthRuleName")


@strawberry.type(description="One rule of a project's health and its verdict.")
class HealthRule:
    rule: HealthRuleName
    status: HealthStatus | None = strawberry.field(
        description="null when the rule has nothing to judge (an undefined CPI or SPI)."
    )
    index: float | None = strawberry.field(
        description="The CPI (cost) or SPI (schedule) it compared, 4 decimals; null otherwise."
    )
    finding: str | None = strawberry.field(
        description="The worst finding of the milestones rule (`overdue_gate`, `overdue`) or "
        "of the risks rule (`critical`, `high`); null otherwise."
    )
    count: int | None = strawberry.field(
        default=None,
        description="The number of overdue action items (the actions rule); null otherwise.",
    )
    detail: str


@strawberry.type(description="A project's health as of today, and why.")
class HealthReport:
    as_of: date
    health: HealthStatus | None = strawberry.field(
        description="null for a project not in flight: `reason` says why."
    )
    reason: str | None = strawberry.field(
        description="Why health is null: `not started` (proposed, approved) or `closed` "
        "(completed, cancelled); null when it is judged."
    )
    rules: list[HealthRule] = strawberry.field(metadata=bounded(len(HealthRuleName)))
    decided_by: list[HealthRuleName]

    @classmethod
    def of(cls, health: Health, as_of: date) -> HealthReport:
        return cls.of_body(health.body(), as_of)

    @classmethod
    def of_body(cls, body: Mapping[str, Any], as_of: date, **given: Any) -> Self:
        """From a verdict as REST shows it (`Health.body()`); `given`: a subclass's fields."""
        return cls(
            as_of=as_of,
            health=None if body["health"] is None else HealthStatus(body["health"]),
            reason=body["reason"],
            rules=[_rule(r) for r in body["rules"]],
            decided_by=[HealthRuleName(r) for r in body["decided_by"]],
            **given,
        )


def _rule(r: Mapping[str, Any]) -> HealthRule:
    value = r["value"]
    return HealthRule(
        rule=HealthRuleName(r["rule"]),
        status=None if r["status"] is None else HealthStatus(r["status"]),
        index=value if isinstance(value, float) else None,
        finding=value if isinstance(value, str) else None,
        count=value if isinstance(value, int) else None,
        detail=r["detail"],
    )
