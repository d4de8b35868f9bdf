"""GraphQL for milestones and progress: the root query, the mutations and their inputs, over the
same services as REST. The types are in graphql/types/ (milestone.py, progress_record.py)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Annotated

import strawberry

from pmo_api.core.clock import today
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError, parse_input
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query
from pmo_api.graphql.types.milestone import Milestone, MilestoneStatus
from pmo_api.graphql.types.progress_record import ProgressRecord
from pmo_api.schedule import repository as repo
from pmo_api.schedule import service
from pmo_api.schedule.schemas import (
    MilestoneCreate,
    MilestoneFeedParams,
    MilestonePatch,
    ProgressCreate,
    ProgressPatch,
)


@strawberry.input(description="Which milestones of the feed: each list an OR.")
class MilestoneFeedFilter:
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    status: list[MilestoneStatus] | None = None
    is_gate: bool | None = None
    q: str | None = strawberry.field(default=None, description="Text search in name, description.")
    updated_since: datetime | None = None


def _wanted(f: MilestoneFeedFilter) -> service.MilestoneFilter:
    """The service's filter, checked by REST's own parameter model (lengths, NULs, ids)."""
    given = {
        "portfolio_id": f.portfolio_id or [],
        "program_id": f.program_id or [],
        "project": f.project or [],
        "status": [s.value for s in f.status or []],
        "is_gate": f.is_gate,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        MilestoneFeedParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return service.MilestoneFilter.of(params, since_at="updatedSince")


@strawberry.type
class MilestoneQuery:
    @strawberry.field
    async def milestone(self, info: Info, id: strawberry.ID) -> Milestone | None:
        read = partial(repo.get_milestone, today=today())
        return await one_by_id(info, id, read, Milestone.from_row)

    @strawberry.field(
        description="Milestones across the projects the caller may see (GET /api/v1/milestones), "
        "in dueDate order."
    )
    async def milestones(
        self,
        info: Info,
        filter: MilestoneFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Milestone]:
        wanted = _wanted(filter or MilestoneFeedFilter())
        return await page_of(
            info, service.list_milestones, wanted, list_query(first, after), Milestone.from_row
        )


@strawberry.input
class MilestoneCreateInput:
    name: str
    description: str | None = None
    due_date: date
    forecast_date: date | None = None
    completed_on: date | None = None
    weight: float | None = strawberry.UNSET
    is_gate: bool | None = strawberry.UNSET
    gate_key: str | None = strawberry.field(
        default=None, description="The template gate it is; makes the milestone a gate."
    )


@patch_of(MilestoneCreateInput)
class MilestonePatchInput:
    """MilestoneCreateInput's fields, each optional."""


@strawberry.input
class ProgressCreateInput:
    as_of: date
    percent_complete: float
    note: str | None = None


@patch_of(ProgressCreateInput)
class ProgressPatchInput:
    """ProgressCreateInput's fields, each optional."""


MilestoneResult = Annotated[Milestone | AnyUserError, strawberry.union("MilestoneResult")]
ProgressResult = Annotated[ProgressRecord | AnyUserError, strawberry.union("ProgressResult")]


@strawberry.type
class MilestoneMutation:
    @strawberry.mutation(description="Add a milestone to a project named by id or code.")
    async def create_milestone(
        self, info: Info, project: str, input: MilestoneCreateInput
    ) -> MilestoneResult:
        create = partial(service.create_milestone, ref=project)
        return await created(info, MilestoneCreate, input, create, Milestone.from_row)

    update_milestone = update_mutation(
        "milestone",
        MilestonePatchInput,
        MilestonePatch,
        service.update_milestone,
        Milestone.from_row,
        MilestoneResult,
        description="Merge-patch a milestone; set completedOn to complete it.",
    )

    delete_milestone = delete_mutation("milestone", service.delete_milestone)


@strawberry.type
class ProgressMutation:
    @strawberry.mutation(description="Record progress as of a date; one record per date.")
    async def create_progress(
        self, info: Info, project: str, input: ProgressCreateInput
    ) -> ProgressResult:
        create = partial(service.create_progress, ref=project)
        return await created(info, ProgressCreate, input, create, ProgressRecord.from_row)

    update_progress = update_mutation(
        "progress record",
        ProgressPatchInput,
        ProgressPatch,
        service.update_progress,
        ProgressRecord.from_row,
        ProgressResult,
    )

    delete_progress = delete_mutation("progress record", service.delete_progress)
