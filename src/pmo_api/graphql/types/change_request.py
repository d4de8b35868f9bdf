"""The `ChangeRequest` type, its enums (the domain's own StrEnums), and
`project.changeRequests`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from pmo_api.change_requests import service
from pmo_api.change_requests.models import ChangeCategory as ChangeCategory
from pmo_api.change_requests.models import ChangePriority as ChangePriority
from pmo_api.change_requests.models import ChangeState as ChangeState
from pmo_api.change_requests.schemas import ChangeRequestListParams
from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.relay import Connection, list_query

strawberry.enum(ChangeCategory)
strawberry.enum(ChangePriority)
strawberry.enum(
    ChangeState,
    description="DRAFT → SUBMITTED | WITHDRAWN; SUBMITTED → APPROVED | REJECTED | WITHDRAWN; "
    "APPROVED → IMPLEMENTED.",
)


@strawberry.type
class ChangeRequest(FromBody, body_of=service.change_request_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    title: str
    category: ChangeCategory
    justification: str | None
    priority: ChangePriority
    requested_by: str | None
    cost_delta: float = strawberry.field(description="In the project's currency; may be < 0.")
    currency: str
    schedule_delta_days: int
    affected_milestone_ids: list[strawberry.ID]
    state: ChangeState
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str | None
    implemented_at: datetime | None
    baseline: int | None = strawberry.field(description="The budget baseline its approval made.")
    decision_id: strawberry.ID | None = strawberry.field(
        description="The decision-log entry its approval wrote."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ChangeRequest:
        """From a change request as REST shows it (service.change_request_json)."""
        return from_body(cls, body)


@strawberry.input(
    description="As the filters of REST's change request lists; several values are an OR."
)
class ChangeRequestFilter:
    state: list[ChangeState] | None = None
    category: list[ChangeCategory] | None = None
    priority: list[ChangePriority] | None = None
    q: str | None = strawberry.field(
        default=None, description="Text search in title, justification."
    )
    updated_since: datetime | None = None


def wanted_of(f: ChangeRequestFilter | None) -> service.ChangeRequestFilter:
    """The service's filter, checked by REST's own parameter model (lengths, NULs)."""
    f = f or ChangeRequestFilter()
    given = {
        "state": [s.value for s in f.state or []],
        "category": [s.value for s in f.category or []],
        "priority": [s.value for s in f.priority or []],
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        ChangeRequestListParams,
        {k: v for k, v in given.items() if v not in (None, [])},
        at="filter",
    )
    return service.ChangeRequestFilter.of(params, since_at="updatedSince")


async def change_requests_of(
    info: Info,
    project_id: uuid.UUID,
    f: ChangeRequestFilter | None,
    first: int,
    after: str | None,
) -> Connection[ChangeRequest]:
    """`project.changeRequests`: the first page through a DataLoader, a later one (one project
    at a time) as REST pages it."""
    query = list_query(first, after)
    pages = info.context.loaders.change_requests_by_project
    return await pages.connection(project_id, wanted_of(f), query, ChangeRequest.from_row)
