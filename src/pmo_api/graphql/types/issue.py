"""The `Issue` type (the issue log's), its enums, and `project.issues`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import Connection, list_query
from pmo_api.raid_issues import service
from pmo_api.raid_issues.models import IssuePriority as IssuePriority
from pmo_api.raid_issues.models import IssueStatus as IssueStatus

strawberry.enum(IssueStatus)
strawberry.enum(IssuePriority)


@strawberry.type
class Issue(FromBody, body_of=service.issue_json):
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    title: str
    description: str | None
    category: str | None
    priority: IssuePriority
    impact: str | None
    owner: str | None
    raised_on: date
    target_resolution_on: date | None
    status: IssueStatus
    resolution: str | None
    risk_id: strawberry.ID | None = strawberry.field(
        description="The risk that occurred and became this issue."
    )
    change_request_id: strawberry.ID | None = strawberry.field(
        description="The change request the issue raised (raiseChangeRequestFromIssue)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


async def issues_of(
    info: Info, project_id: uuid.UUID, first: int, after: str | None
) -> Connection[Issue]:
    """`project.issues`: the first page through a batched loader, a later one alone."""
    pages = info.context.loaders.issues_by_project
    return await pages.connection(
        project_id, service.IssueFilter(), list_query(first, after), Issue.from_row
    )
