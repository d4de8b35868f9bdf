"""The `QualityFinding` type (a finding of a quality review, with its corrective action) and
its enum `FindingSeverity`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.types.action_item import ActionStatus
from pmo_api.quality import findings
from pmo_api.quality.models import FindingSeverity as FindingSeverity
from pmo_api.quality.schemas import FindingListParams

strawberry.enum(FindingSeverity)


@strawberry.type
class QualityFinding(FromBody, body_of=findings.finding_json):
    id: strawberry.ID
    review_id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    severity: FindingSeverity
    description: str
    action_item_id: strawberry.ID | None = strawberry.field(
        description="The corrective action: an action item (source FINDING) made with the "
        "finding; null if it was deleted by hand."
    )
    action_owner: str | None
    action_due_date: date | None
    action_status: ActionStatus | None = strawberry.field(
        description="OPEN and IN_PROGRESS leave the finding open."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> QualityFinding:
        return from_body(cls, body)


@strawberry.input(description="As the filters of REST's finding lists; several values are an OR.")
class QualityFindingFilter:
    severity: list[FindingSeverity] | None = None
    open: bool | None = strawberry.field(
        default=None,
        description="true: the corrective action is still to do (or missing); false: done or "
        "cancelled.",
    )
    q: str | None = strawberry.field(default=None, description="Text search in the description.")
    updated_since: datetime | None = None


def finding_wanted_of(f: QualityFindingFilter | None) -> findings.FindingFilter:
    """The service's filter, checked by REST's own parameter model."""
    f = f or QualityFindingFilter()
    given = {
        "severity": [s.value for s in f.severity or []],
        "open": f.open,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        FindingListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return findings.FindingFilter.of(params, since_at="updatedSince")
