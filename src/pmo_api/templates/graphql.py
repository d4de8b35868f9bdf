"""GraphQL for methodology templates: the root queries, the mutations and their inputs, over the
same services as REST. The types are in graphql/types/methodology_template.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types.base import has_object_definition

from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import AnyUserError, parse_input, run_mutation, unset_removed
from pmo_api.graphql.mutations import created
from pmo_api.graphql.reads import one_by_id, page_of
from pmo_api.graphql.relay import Connection, page_size, require_id
from pmo_api.graphql.types.methodology_template import MethodologyTemplate
from pmo_api.graphql.types.project import EvMethod, Project, ProjectStatus
from pmo_api.templates import planning, service
from pmo_api.templates import repository as repo
from pmo_api.templates.models import Anchor, CriterionLevel
from pmo_api.templates.schemas import (
    ProjectFromTemplate,
    TemplateBody,
    TemplateChoice,
    TemplateCreate,
    TemplateListParams,
)


@strawberry.input
class TemplateFilter:
    q: str | None = strawberry.field(default=None, description="Text search in key, name.")
    updated_since: datetime | None = None


@strawberry.input
class TemplateMilestoneInput:
    name: str
    weight: float | None = strawberry.UNSET
    offset_days: int
    anchor: Anchor | None = strawberry.UNSET
    working_days: bool | None = strawberry.UNSET
    gate_key: str | None = None


@strawberry.input
class GateCriterionInput:
    key: str
    text: str
    level: CriterionLevel | None = strawberry.UNSET


@strawberry.input
class GateDefinitionInput:
    key: str
    name: str
    criteria: list[GateCriterionInput] | None = strawberry.UNSET
    required_documents: list[str] | None = strawberry.UNSET


@strawberry.input
class TemplateKpiInput:
    code: str
    target: float | None = None


@strawberry.input(description="everyWeeks N, or monthEnd true.")
class ReportingCadenceInput:
    every_weeks: int | None = None
    month_end: bool | None = None


@strawberry.input(description="A version's whole content (a new version is a full new body).")
class TemplateVersionInput:
    name: str
    description: str | None = None
    milestones: list[TemplateMilestoneInput] | None = strawberry.UNSET
    gates: list[GateDefinitionInput] | None = strawberry.UNSET
    kpis: list[TemplateKpiInput] | None = strawberry.UNSET
    risk_categories: list[str] | None = strawberry.UNSET
    budget_categories: list[str] | None = strawberry.UNSET
    stakeholder_roles: list[str] | None = strawberry.UNSET
    reporting_cadence: ReportingCadenceInput | None = None


@strawberry.input
class TemplateCreateInput(TemplateVersionInput):
    key: str


@strawberry.input(description="A project's fields, the template, and one of its two dates.")
class ProjectFromTemplateInput:
    template_id: strawberry.ID
    template_version: int | None = None
    code: str
    portfolio_id: strawberry.ID
    name: str
    description: str | None = None
    objectives: list[str] | None = strawberry.UNSET
    scope: str | None = None
    deliverables: list[str] | None = strawberry.UNSET
    constraints: list[str] | None = strawberry.UNSET
    sponsor: str | None = None
    manager: str | None = None
    priority: int | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    start_date: date | None = None
    finish_date: date | None = None
    budget: float | None = strawberry.UNSET
    ev_method: EvMethod | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


@strawberry.input
class ApplyTemplateInput:
    template_id: strawberry.ID
    template_version: int | None = None


def _plain(value: Any) -> Any:
    """A strawberry input, nested ones included, as the dict REST's body would be."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if has_object_definition(value):
        return {k: _plain(v) for k, v in unset_removed(value).items()}
    return value


class _Nested:
    """An input whose nested inputs become dicts too (graphql.mutations.created's
    unset_removed keeps only the top level)."""

    def __init__(self, value: Any) -> None:
        vars(self).update(_plain(value))


TemplateResult = Annotated[
    MethodologyTemplate | AnyUserError, strawberry.union("MethodologyTemplateResult")
]
ProjectFromTemplateResult = Annotated[
    Project | AnyUserError, strawberry.union("ProjectFromTemplateResult")
]


@strawberry.type
class TemplateQuery:
    @strawberry.field(description="Methodology templates with their latest versions, by key.")
    async def methodology_templates(
        self,
        info: Info,
        filter: TemplateFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MethodologyTemplate]:
        f = filter or TemplateFilter()
        given: dict[str, Any] = {"limit": page_size(first), "cursor": after, "q": f.q}
        given["updated_since"] = f.updated_since
        params = parse_input(
            TemplateListParams, {k: v for k, v in given.items() if v is not None}, at="filter"
        )
        wanted = service.TemplateFilter(q=params.q, updated_since=params.updated_since)
        return await page_of(
            info, service.list_templates, wanted, params.list_query(), MethodologyTemplate.from_row
        )

    @strawberry.field(description="A methodology template, as of `version` (default the latest).")
    async def methodology_template(
        self, info: Info, id: strawberry.ID, version: int | None = None
    ) -> MethodologyTemplate | None:
        async def read(conn: Any, _: Any, template_id: Any) -> Any:
            return await repo.get(conn, template_id, version)

        return await one_by_id(info, id, read, MethodologyTemplate.from_row)


@strawberry.type
class TemplateMutation:
    @strawberry.mutation(description="Create a template and its version 1 (unlimited admin).")
    async def create_template(self, info: Info, input: TemplateCreateInput) -> TemplateResult:
        return await created(
            info,
            TemplateCreate,
            _Nested(input),
            service.create_template,
            MethodologyTemplate.from_row,
        )

    @strawberry.mutation(description="Publish version N+1 of a template, a full new body.")
    async def publish_template_version(
        self, info: Info, id: strawberry.ID, input: TemplateVersionInput
    ) -> TemplateResult:
        async def publish(conn: Any, *, principal: Any, data: TemplateBody) -> Any:
            template_id = require_id(id, "methodology template")
            return await service.publish_version(
                conn, principal=principal, template_id=template_id, data=data
            )

        return await created(
            info, TemplateBody, _Nested(input), publish, MethodologyTemplate.from_row
        )

    @strawberry.mutation(
        description="Create a project from a template (POST /api/v1/projects/from-template)."
    )
    async def create_project_from_template(
        self, info: Info, input: ProjectFromTemplateInput
    ) -> ProjectFromTemplateResult:
        return await created(
            info,
            ProjectFromTemplate,
            input,
            planning.create_project_from_template,
            Project.from_row,
        )

    @strawberry.mutation(description="Apply a template to a project that has no milestones.")
    async def apply_template(
        self, info: Info, project: str, input: ApplyTemplateInput
    ) -> ProjectFromTemplateResult:
        ctx = info.context

        async def work(conn: Any) -> Project:
            data = parse_input(TemplateChoice, unset_removed(input), at="input")
            row = await planning.apply_template(
                conn, principal=ctx.principal, ref=project, data=data
            )
            return Project.from_row(row)

        return await run_mutation(ctx.db, work)
