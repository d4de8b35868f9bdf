"""GraphQL for the issue log: root queries and mutations over the REST services. The type is
in graphql/types/issue.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Annotated

import strawberry
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids, require_id
from pmo_api.graphql.types.change_request import ChangeCategory, ChangePriority
from pmo_api.graphql.types.issue import Issue, IssuePriority, IssueStatus
from pmo_api.raid_issues import repository as repo
from pmo_api.raid_issues import service
from pmo_api.raid_issues.schemas import IssueCreate, IssuePatch, RaiseChangeBody


@strawberry.input(description="As the filters of GET /api/v1/issues.")
class IssueFeedFilter:
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    status: list[IssueStatus] | None = None
    priority: list[IssuePriority] | None = None


@strawberry.type
class IssueQuery:
    @strawberry.field
    async def issue(self, info: Info, id: strawberry.ID) -> Issue | None:
        return await one_by_id(info, id, repo.get, Issue.from_row)

    @strawberry.field(
        description="Issues across the projects the caller may see (GET /api/v1/issues), in "
        "creation order."
    )
    async def issues(
        self,
        info: Info,
        filter: IssueFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Issue]:
        f = filter or IssueFeedFilter()
        wanted = service.IssueFilter(
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
            status=tuple(s.value for s in f.status or ()),
            priority=tuple(p.value for p in f.priority or ()),
        )
        return await page_of(
            info, service.list_issues, wanted, list_query(first, after), Issue.from_row
        )


@strawberry.input
class IssueCreateInput:
    title: str
    description: str | None = None
    category: str | None = None
    priority: IssuePriority | None = strawberry.field(
        default=strawberry.UNSET, description="MEDIUM."
    )
    impact: str | None = None
    owner: str | None = None
    raised_on: date | None = strawberry.field(default=None, description="Today.")
    target_resolution_on: date | None = None
    status: IssueStatus | None = strawberry.field(default=strawberry.UNSET, description="OPEN.")
    resolution: str | None = None
    risk_id: strawberry.ID | None = strawberry.field(
        default=None, description="A risk of the project that occurred (create only)."
    )


@patch_of(IssueCreateInput, without=("risk_id",))
class IssuePatchInput:
    """IssueCreateInput's fields but riskId, each optional."""


@strawberry.input(
    description="As the body of POST /api/v1/issues/{id}/change-request: a change request's "
    "fields, the title, justification, priority and requester defaulting to the issue's."
)
class RaiseChangeRequestInput:
    category: ChangeCategory
    title: str | None = strawberry.field(default=None, description="'Issue: ' + its title.")
    justification: str | None = strawberry.field(default=None, description="Its description.")
    priority: ChangePriority | None = strawberry.field(default=None, description="Its priority.")
    requested_by: str | None = strawberry.field(default=None, description="Its owner.")
    cost_delta: float | None = strawberry.field(
        default=strawberry.UNSET, description="In the project's currency; negative: a saving."
    )
    schedule_delta_days: int | None = strawberry.field(default=strawberry.UNSET)
    affected_milestone_ids: list[strawberry.ID] | None = strawberry.field(default=strawberry.UNSET)


IssueResult = Annotated[Issue | AnyUserError, strawberry.union("IssueResult")]


@strawberry.type
class IssueMutation:
    @strawberry.mutation(description="Log an issue in a project named by id or code (editor).")
    async def create_issue(self, info: Info, project: str, input: IssueCreateInput) -> IssueResult:
        create = partial(service.create_issue, ref=project)
        return await created(info, IssueCreate, input, create, Issue.from_row)

    update_issue = update_mutation(
        "issue",
        IssuePatchInput,
        IssuePatch,
        service.update_issue,
        Issue.from_row,
        IssueResult,
        description="Merge-patch an issue (editor).",
    )
    delete_issue = delete_mutation(
        "issue", service.delete_issue, description="Remove an issue (editor)."
    )

    @strawberry.mutation(
        description="An issue raises a draft change request in its project, linked from it "
        "(changeRequestId) (editor); a conflict when it has already raised one."
    )
    async def raise_change_request_from_issue(
        self, info: Info, id: strawberry.ID, input: RaiseChangeRequestInput
    ) -> IssueResult:
        return await created(info, RaiseChangeBody, input, _raising(id), Issue.from_row)


def _raising(id: strawberry.ID) -> Callable[..., Awaitable[RowMapping]]:
    """service.raise_change_request for the issue `id` names, read inside the unit of work:
    there a malformed ID is the NotFoundError the mutation answers, not a top-level error."""

    async def raise_it(
        conn: AsyncConnection, *, principal: Principal, data: RaiseChangeBody
    ) -> RowMapping:
        issue_id = require_id(id, "issue")
        return await service.raise_change_request(
            conn, principal=principal, issue_id=issue_id, data=data
        )

    return raise_it
