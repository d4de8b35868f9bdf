"""What crosses the API edge for health."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from pmo_api.health.rules import HealthRuleName

HealthStatus = Literal["green", "amber", "red"]
# The rules' names, from the rules' own enum (health/rules.py), so the schema cannot miss one.
RuleName = HealthRuleName


class HealthRuleOut(BaseModel):
    rule: RuleName
    status: HealthStatus | None = Field(
        description="null when the rule has nothing to judge (an undefined CPI or SPI): it "
        "does not count."
    )
    value: float | str | None = Field(
        description="What the rule looked at: CPI or SPI (4 decimals) for cost and schedule; "
        "the worst finding for milestones (`overdue_gate`, `overdue` or null) and risks "
        "(`critical`, `high` or null); the number of overdue action items for actions."
    )
    detail: str = Field(description="The verdict in words, e.g. `CPI 0.9000 is below 0.95 ...`.")


class HealthOut(BaseModel):
    project_id: uuid.UUID
    code: str
    as_of: date = Field(description="Today: health is always as of the day it is asked.")
    health: HealthStatus | None = Field(
        description="The worst status among the rules that count; null for a project not in "
        "flight (proposed, approved, completed, cancelled): `reason` says why."
    )
    reason: Literal["not started", "closed"] | None = Field(
        description="Why `health` is null: `not started` (proposed, approved) or `closed` "
        "(completed, cancelled); null when it is judged."
    )
    rules: list[HealthRuleOut] = Field(
        description="Each rule, in this order: cost, schedule, milestones, risks, and actions "
        "when its settings turn it on (PMO_HEALTH_OVERDUE_ACTIONS_AMBER/_RED; off by default: "
        "absent)."
    )
    decided_by: list[RuleName] = Field(
        description="The rules whose status is the health (every counting rule when all are green)."
    )
