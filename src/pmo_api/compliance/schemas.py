"""What crosses the REST edge for compliance: the answers of the project, portfolio and
programme views."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from pmo_api.compliance.models import Result, Rule
from pmo_api.core.inputs import AsOfParams


class ComplianceParams(AsOfParams):
    format: Literal["json", "csv"] | None = Field(
        default=None, description="`csv`: one row per project and rule (or `Accept: text/csv`)."
    )


class RuleResult(BaseModel):
    rule: Rule
    result: Result
    reason: str = Field(description="Why, in words.")
    evidence: dict[str, Any] = Field(
        description="The ids and dates that prove the result; the keys are each rule's "
        "(docs/formulas.md, Compliance)."
    )


class ProjectComplianceOut(BaseModel):
    project_id: uuid.UUID
    project_code: str
    as_of: date
    share_met: float | None = Field(
        description="Rules met / rules met or not met (0 to 1, 4 decimals); null when no rule "
        "applies."
    )
    met: int
    not_met: int
    not_applicable: int
    rules: list[RuleResult] = Field(description="Every rule, in a fixed order.")


class RuleCounts(BaseModel):
    rule: Rule
    met: int
    not_met: int
    not_applicable: int


class PortfolioComplianceOut(BaseModel):
    portfolio_id: uuid.UUID
    as_of: date
    share_met: float | None = Field(
        description="Over every project and rule: met / (met + not met); null when none applies."
    )
    by_rule: list[RuleCounts]
    projects: list[ProjectComplianceOut] = Field(description="By project code.")


class ProgramComplianceOut(PortfolioComplianceOut):
    """The portfolio's view over the programme's projects (`portfolio_id`: the programme's)."""

    program_id: uuid.UUID


# The portfolio (and programme) CSV: one row per project and rule (long, as the KPI feed: a BI
# tool filters and pivots by rule), the evidence as a JSON object.
CSV_COLUMNS = (
    "portfolio_id",
    "project_id",
    "project_code",
    "as_of",
    "rule",
    "result",
    "reason",
    "evidence",
    "project_share_met",
)
