"""REST endpoints for methodology templates, and for projects made from them (docs/resources.md,
"Methodology templates")."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal
from pmo_api.core.http import DB, AppSettings, created, resource_response, upserted
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.listing import filter_of
from pmo_api.core.routes import READ_ONE, WRITE, CsvFile, ResourceRoutes
from pmo_api.health.rules import Thresholds
from pmo_api.projects import service as projects
from pmo_api.schedule.service import milestone_json
from pmo_api.settings import Settings
from pmo_api.templates import planning, service
from pmo_api.templates.schemas import (
    ProjectFromTemplate,
    ProjectWithMilestones,
    TemplateBody,
    TemplateChoice,
    TemplateCreate,
    TemplateGetParams,
    TemplateListParams,
    TemplateOut,
    TemplatePage,
    TemplateVersionListParams,
    TemplateVersionOut,
    TemplateVersionPage,
)

router = APIRouter(tags=["methodology templates"])

TEMPLATES = "/api/v1/methodology-templates"

template_lists = ListRoutes(
    router,
    TemplatePage,
    service.list_templates,
    service.template_json,
    CsvFile(tuple(TemplateOut.model_fields), "methodology-templates.csv"),
)


@template_lists.route(TEMPLATES, "methodology-templates-list")
def list_templates(params: TemplateListParams) -> service.TemplateFilter:
    """Methodology templates, each with its latest version (default order: `key`); `q`
    searches key and name. Any caller reads them. CSV on request (nested lists as JSON)."""
    return filter_of(service.TemplateFilter, params)


version_lists = ListRoutes(
    router,
    TemplateVersionPage,
    service.list_versions,
    service.version_json,
    CsvFile(tuple(TemplateVersionOut.model_fields), "methodology-template-versions.csv"),
)


@version_lists.route(TEMPLATES + "/{template_id}/versions", "methodology-template-versions-list")
def list_template_versions(
    params: TemplateVersionListParams, template_id: uuid.UUID
) -> service.VersionFilter:
    """A template's versions, oldest first (default order: `template_version`). Versions are
    immutable; CSV on request."""
    return filter_of(service.VersionFilter, params, template_id=template_id)


template = ResourceRoutes(router, TEMPLATES + "/{template_id}", TemplateOut, service.template_json)
template.create(
    TEMPLATES,
    service.create_template,
    TemplateCreate,
    """Create a methodology template and its version 1 (an admin key not limited to
    portfolios). Keys are unique; a milestone's `gate_key` must name one of the template's
    gates; KPI codes must be defined. Honours `Idempotency-Key`.""",
)


@router.get(
    TEMPLATES + "/{template_id}",
    operation_id="methodology-templates-get",
    response_model=TemplateOut,
    responses=READ_ONE,
)
async def get_template(
    request: Request,
    caller: Caller,
    db: DB,
    template_id: uuid.UUID,
    params: Annotated[TemplateGetParams, Query()],
) -> Response:
    """One template with its latest version, or the `version` asked for. Honours
    `If-None-Match`."""
    async with db.read() as conn:
        row = await service.visible_template(conn, caller, template_id, params.version)
    return resource_response(request, service.template_json(row))


@router.post(
    TEMPLATES + "/{template_id}/versions",
    status_code=201,
    operation_id="methodology-template-versions-create",
    response_model=TemplateOut,
    responses=WRITE,
)
async def publish_template_version(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    template_id: uuid.UUID,
    body: TemplateBody,
) -> Response:
    """Publish version N+1 of a template, a full new body (admin, not limited to
    portfolios). Earlier versions, and the projects made from them, are unchanged. Answers
    the template with its new version. Honours `Idempotency-Key`."""

    async def publish(conn: AsyncConnection) -> dict[str, Any]:
        row = await service.publish_version(
            conn, principal=caller, template_id=template_id, data=body
        )
        return service.template_json(row)

    return await created(request, db, settings, caller, publish, TEMPLATES + "/{id}")


async def _with_milestones(
    conn: AsyncConnection, caller: Principal, settings: Settings, row: Any
) -> dict[str, Any]:
    body = await projects.project_body(conn, row, Thresholds.of(settings))
    rows = await planning.milestones_of(conn, caller, row["id"])
    return {**body, "milestones": [milestone_json(m) for m in rows]}


@router.post(
    "/api/v1/projects/from-template",
    status_code=201,
    operation_id="projects-create-from-template",
    response_model=ProjectWithMilestones,
    responses=WRITE,
    tags=["projects"],
)
async def create_project_from_template(
    request: Request, caller: Caller, db: DB, settings: AppSettings, body: ProjectFromTemplate
) -> Response:
    """Create a project (editor) from a methodology template: the project's fields, the
    `template_id` (and `template_version`, default the latest), and exactly one of
    `start_date` (plan forward) or `finish_date` (plan backward). The template's milestones
    and gates land at their offsets (docs/resources.md, "Offsets"), the other date is planned
    from them, and the project records the template and version. One transaction. Honours
    `Idempotency-Key`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row = await planning.create_project_from_template(conn, principal=caller, data=body)
        return await _with_milestones(conn, caller, settings, row)

    return await created(request, db, settings, caller, create, "/api/v1/projects/{id}")


@router.post(
    "/api/v1/projects/{project}/apply-template",
    operation_id="projects-apply-template",
    response_model=ProjectWithMilestones,
    responses=WRITE,
    tags=["projects"],
)
async def apply_template(
    request: Request,
    caller: Caller,
    db: DB,
    settings: AppSettings,
    project: str,
    body: TemplateChoice,
) -> Response:
    """Apply a methodology template to a project that has no milestones (409 otherwise;
    editor): its milestones land at their offsets from the project's own dates (422 naming
    the date a milestone needs and the project lacks), and the project records the template
    and version. Honours `Idempotency-Key`."""

    async def apply(conn: AsyncConnection) -> tuple[dict[str, Any], bool]:
        row = await planning.apply_template(conn, principal=caller, ref=project, data=body)
        return await _with_milestones(conn, caller, settings, row), False

    return await upserted(request, db, settings, caller, apply, "/api/v1/projects/{id}")
