"""The `Decision` type, its enum (the decision log's own StrEnum), and `project.decisions`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.decisions import service
from pmo_api.decisions.models import DecisionSource as DecisionSource
from pmo_api.decisions.schemas import DecisionListParams
from pmo_api.graphql.bodies import FromBody, from_body
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import parse_input
from pmo_api.graphql.relay import Connection, list_query

strawberry.enum(DecisionSource)


@strawberry.type
class Decision(FromBody, body_of=service.decision_json):
    id: strawberry.ID
    project_id: strawberry.ID | None = strawberry.field(
        description="Null for a portfolio's own decision."
    )
    project_code: str | None
    portfolio_id: strawberry.ID
    title: str = strawberry.field(description="The decision.")
    rationale: str | None
    alternatives: list[str]
    decided_by: str | None
    decided_on: date
    source: DecisionSource
    source_id: strawberry.ID | None
    links: list[str]
    read_only: bool = strawberry.field(
        description="Recorded by a gate review or a change request: not updatable or deletable."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Decision:
        """From a decision as REST shows it (service.decision_json)."""
        return from_body(cls, body)


@strawberry.input(description="As the filters of REST's decision lists; several values are an OR.")
class DecisionFilter:
    source: list[DecisionSource] | None = None
    decided_since: date | None = None
    decided_until: date | None = None
    q: str | None = strawberry.field(default=None, description="Text search in title, rationale.")
    updated_since: datetime | None = None


def wanted_of(f: DecisionFilter | None) -> service.DecisionFilter:
    """The service's filter, checked by REST's own parameter model (lengths, NULs)."""
    f = f or DecisionFilter()
    given = {
        "source": [s.value for s in f.source or []],
        "decided_since": f.decided_since,
        "decided_until": f.decided_until,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        DecisionListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return service.DecisionFilter.of(params, since_at="updatedSince")


async def decisions_of(
    info: Info, project_id: uuid.UUID, f: DecisionFilter | None, first: int, after: str | None
) -> Connection[Decision]:
    """`project.decisions`: the first page through a DataLoader, a later one (one project at
    a time) as REST pages it."""
    query = list_query(first, after)
    pages = info.context.loaders.decisions_by_project
    return await pages.connection(project_id, wanted_of(f), query, Decision.from_row)
