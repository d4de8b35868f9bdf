"""GraphQL for dependencies: the root queries and the mutations, over the same services as
REST. The type is in graphql/types/dependency.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from pmo_api.dependencies import repository as repo
from pmo_api.dependencies import service
from pmo_api.dependencies.schemas import DependencyCreate, DependencyPatch
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError
from pmo_api.graphql.inputs import patch_of
from pmo_api.graphql.mutations import created, delete_mutation, update_mutation
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, list_query, parse_ids
from pmo_api.graphql.types.dependency import Dependency, DependencyType


@strawberry.input(description="As the filters of GET /api/v1/dependencies.")
class DependencyFilter:
    portfolio_id: list[strawberry.ID] | None = None
    program_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")
    type: list[DependencyType] | None = None
    at_risk: bool | None = None
    hard: bool | None = None


@strawberry.type
class DependencyQuery:
    @strawberry.field
    async def dependency(self, info: Info, id: strawberry.ID) -> Dependency | None:
        return await one_by_id(info, id, repo.get, Dependency.from_row)

    @strawberry.field(
        description="Dependencies between milestones across the projects the caller may see "
        "(GET /api/v1/dependencies), in creation order."
    )
    async def dependencies(
        self,
        info: Info,
        filter: DependencyFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Dependency]:
        f = filter or DependencyFilter()
        wanted = service.DependencyFilter(
            portfolio_ids=tuple(parse_ids(f.portfolio_id)),
            program_ids=tuple(parse_ids(f.program_id)),
            projects=tuple(f.project or ()),
            type=tuple(t.value for t in f.type or ()),
            at_risk=f.at_risk,
            hard=f.hard,
        )
        query = list_query(first, after)
        return await page_of(info, service.list_dependencies, wanted, query, Dependency.from_row)


@strawberry.input
class DependencyCreateInput:
    predecessor_id: strawberry.ID
    successor_id: strawberry.ID
    type: DependencyType | None = strawberry.field(
        default=strawberry.UNSET, description="FINISH_TO_START."
    )
    lag_days: int | None = strawberry.field(default=strawberry.UNSET, description="0.")
    hard: bool | None = strawberry.field(default=strawberry.UNSET, description="true.")
    note: str | None = None


@patch_of(DependencyCreateInput, without=("predecessor_id", "successor_id"))
class DependencyPatchInput:
    """DependencyCreateInput's fields but its ends, each optional."""


DependencyResult = Annotated[Dependency | AnyUserError, strawberry.union("DependencyResult")]


@strawberry.type
class DependencyMutation:
    @strawberry.mutation(
        description="Add a dependency between two milestones the caller may see (editor); one "
        "that would close a loop is a CONFLICT naming the loop."
    )
    async def create_dependency(self, info: Info, input: DependencyCreateInput) -> DependencyResult:
        return await created(
            info, DependencyCreate, input, service.create_dependency, Dependency.from_row
        )

    update_dependency = update_mutation(
        "dependency",
        DependencyPatchInput,
        DependencyPatch,
        service.update_dependency,
        Dependency.from_row,
        DependencyResult,
        description="Merge-patch a dependency (editor, seeing both ends).",
    )
    delete_dependency = delete_mutation(
        "dependency",
        service.delete_dependency,
        description="Remove a dependency (editor, seeing both ends).",
    )
