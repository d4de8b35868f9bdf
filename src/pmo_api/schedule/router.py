"""REST endpoints for milestones and progress (docs/reference.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.http import DB
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile, ResourceRoutes, listing_response, read_route
from pmo_api.schedule import service
from pmo_api.schedule.schemas import (
    MilestoneCreate,
    MilestoneFeedParams,
    MilestoneListParams,
    MilestoneOut,
    MilestonePage,
    MilestonePatch,
    ProgressCreate,
    ProgressListParams,
    ProgressOut,
    ProgressPage,
    ProgressPatch,
)

router = APIRouter(tags=["schedule and money"])

# --- milestones ---------------------------------------------------------------------------------

MILESTONE_CSV = CsvFile(tuple(MilestoneOut.model_fields), "milestones.csv")


milestone_lists = ListRoutes(
    router, MilestonePage, service.list_milestones, service.milestone_json, MILESTONE_CSV
)


@milestone_lists.route("/api/v1/milestones", "milestones-feed")
def list_all_milestones(params: MilestoneFeedParams) -> service.MilestoneFilter:
    """Milestones (and stage gates) across the projects the caller may see: the BI feed
    (default order: `due_date`). Filter by `portfolio_id`, `project` (id or code), `status`,
    `is_gate`, `q`, `updated_since`; CSV streams every matching row."""
    return service.MilestoneFilter.of(params)


@milestone_lists.route("/api/v1/projects/{project}/milestones", "milestones-list")
def list_milestones(params: MilestoneListParams, project: str) -> service.MilestoneFilter:
    """The project's milestones (default order: `due_date`). `status` is derived: `completed`,
    `overdue` (not completed and due before today) or `upcoming`. CSV on request."""
    return service.MilestoneFilter.of(params, project=project)


milestone = ResourceRoutes(
    router, "/api/v1/milestones/{milestone_id}", MilestoneOut, service.milestone_json
)
milestone.create(
    "/api/v1/projects/{project}/milestones",
    service.create_milestone,
    MilestoneCreate,
    "Add a milestone (editor). Honours `Idempotency-Key`.",
)
milestone.get(service.visible_milestone, "One milestone. Honours `If-None-Match`.")
milestone.update(
    service.update_milestone,
    MilestonePatch,
    """JSON Merge Patch of a milestone (editor); set `completed_on` to complete it. Honours
    `If-Match`.""",
)
milestone.delete(service.delete_milestone, "Remove a milestone (editor). Honours `If-Match`.")


PROGRESS_CSV = tuple(ProgressOut.model_fields)


# --- progress -----------------------------------------------------------------------------------


@read_route(router, "/api/v1/projects/{project}/progress", "progress-list", ProgressPage)
async def list_progress(
    request: Request,
    caller: Caller,
    db: DB,
    project: str,
    params: Annotated[ProgressListParams, Query()],
) -> Response:
    """The project's progress records (default order: `as_of`). With `ev_method`
    `percent_complete`, EV as of t uses the latest record with `as_of` ≤ t."""
    query = params.list_query()
    async with db.read() as conn:
        listing = await service.list_progress(
            conn, caller, project, updated_since=query.updated_since, sort=query.sort
        )
    return await listing_response(request, db, listing, params, service.progress_json)


progress = ResourceRoutes(
    router, "/api/v1/progress/{progress_id}", ProgressOut, service.progress_json
)
progress.create(
    "/api/v1/projects/{project}/progress",
    service.create_progress,
    ProgressCreate,
    """Record progress as of a date (editor); one record per date (409 for a second).
    Honours `Idempotency-Key`.""",
)
progress.get(service.visible_progress, "One progress record. Honours `If-None-Match`.")
progress.update(
    service.update_progress,
    ProgressPatch,
    "JSON Merge Patch of a progress record (editor). Honours `If-Match`.",
)
progress.delete(service.delete_progress, "Remove a progress record (editor). Honours `If-Match`.")
