"""REST endpoints for resource management: roles, skills, resources (their skill levels, cost
rates and time off), holidays, allocations and a resource's availability."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.core.csvstream import csv_response, flat, wants_csv
from pmo_api.core.http import DB
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.listing import filter_of
from pmo_api.core.responses import JSONResponse
from pmo_api.core.routes import CsvFile, ResourceRoutes, read_route
from pmo_api.resources import allocations, service
from pmo_api.resources.catalog_routes import catalog_routes, csv_of
from pmo_api.resources.schemas import (
    AllocationCreate,
    AllocationFeedParams,
    AllocationListParams,
    AllocationOut,
    AllocationPage,
    AllocationPatch,
    AvailabilityOut,
    AvailabilityParams,
    HolidayCreate,
    HolidayListParams,
    HolidayOut,
    HolidayPage,
    HolidayPatch,
    RateCreate,
    RateListParams,
    RateOut,
    RatePage,
    RatePatch,
    ResourceCreate,
    ResourceListParams,
    ResourceOut,
    ResourcePage,
    ResourcePatch,
    ResourceSkillCreate,
    ResourceSkillOut,
    ResourceSkillPage,
    ResourceSkillPatch,
    RoleCreate,
    RoleListParams,
    RoleOut,
    RolePage,
    RolePatch,
    SkillCreate,
    SkillLevelListParams,
    SkillListParams,
    SkillOut,
    SkillPage,
    SkillPatch,
    TimeOffCreate,
    TimeOffListParams,
    TimeOffOut,
    TimeOffPage,
    TimeOffPatch,
)

router = APIRouter(tags=["resources"])

role_lists = ListRoutes(
    router, RolePage, service.list_roles, service.ROLES.json, csv_of(RoleOut, "roles")
)


@role_lists.route("/api/v1/roles", "roles-list")
def list_roles(params: RoleListParams) -> service.CatalogFilter:
    """Roles and their default cost rates; `q` searches names; CSV on request."""
    return filter_of(service.CatalogFilter, params)


catalog_routes(
    router, service.ROLES, "/api/v1/roles/{role_id}", (RoleCreate, RoleOut, RolePatch), "a role"
)

skill_lists = ListRoutes(
    router, SkillPage, service.list_skills, service.SKILLS.json, csv_of(SkillOut, "skills")
)


@skill_lists.route("/api/v1/skills", "skills-list")
def list_skills(params: SkillListParams) -> service.CatalogFilter:
    """Skills; `q` searches names and descriptions; CSV on request."""
    return filter_of(service.CatalogFilter, params)


catalog_routes(
    router,
    service.SKILLS,
    "/api/v1/skills/{skill_id}",
    (SkillCreate, SkillOut, SkillPatch),
    "a skill",
)

resource_lists = ListRoutes(
    router,
    ResourcePage,
    service.list_resources,
    service.RESOURCES.json,
    csv_of(ResourceOut, "resources"),
)


@resource_lists.route("/api/v1/resources", "resources-list")
def list_resources(params: ResourceListParams) -> service.ResourceFilter:
    """People, placeholders and teams. Filter by `kind`, `role_id`, `active`; `q` searches
    names and emails; CSV on request."""
    return filter_of(service.ResourceFilter, params)


catalog_routes(
    router,
    service.RESOURCES,
    "/api/v1/resources/{resource_id}",
    (ResourceCreate, ResourceOut, ResourcePatch),
    "a resource",
)

skill_level_lists = ListRoutes(
    router,
    ResourceSkillPage,
    service.list_resource_skills,
    service.RESOURCE_SKILLS.json,
    csv_of(ResourceSkillOut, "skill-levels"),
)


@skill_level_lists.route("/api/v1/resources/{resource_id}/skill-levels", "skill-levels-list")
def list_skill_levels(params: SkillLevelListParams, resource_id: uuid.UUID) -> service.OwnedFilter:
    """The skills a resource holds, each at a level from 1 to 5; CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


catalog_routes(
    router,
    service.RESOURCE_SKILLS,
    "/api/v1/resources/{resource_id}/skill-levels/{skill_level_id}",
    (ResourceSkillCreate, ResourceSkillOut, ResourceSkillPatch),
    "a skill level of a resource",
)

rate_lists = ListRoutes(
    router, RatePage, service.list_rates, service.RATES.json, csv_of(RateOut, "rates")
)


@rate_lists.route("/api/v1/resources/{resource_id}/rates", "rates-list")
def list_rates(params: RateListParams, resource_id: uuid.UUID) -> service.OwnedFilter:
    """A resource's cost rates, each in force from its `effective_from` until the next one's
    (the history of its changes); CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


catalog_routes(
    router,
    service.RATES,
    "/api/v1/resources/{resource_id}/rates/{rate_id}",
    (RateCreate, RateOut, RatePatch),
    "a cost rate of a resource",
)

time_off_lists = ListRoutes(
    router,
    TimeOffPage,
    service.list_time_off,
    service.TIME_OFF.json,
    csv_of(TimeOffOut, "time-off"),
)


@time_off_lists.route("/api/v1/resources/{resource_id}/time-off", "time-off-list")
def list_time_off(params: TimeOffListParams, resource_id: uuid.UUID) -> service.OwnedFilter:
    """A resource's time off (whole days, or some hours of each day); CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


catalog_routes(
    router,
    service.TIME_OFF,
    "/api/v1/resources/{resource_id}/time-off/{time_off_id}",
    (TimeOffCreate, TimeOffOut, TimeOffPatch),
    "time off of a resource",
)


holiday_lists = ListRoutes(
    router,
    HolidayPage,
    service.list_holidays,
    service.HOLIDAYS.json,
    csv_of(HolidayOut, "holidays"),
)


@holiday_lists.route("/api/v1/holidays", "holidays-list")
def list_holidays(params: HolidayListParams) -> service.CatalogFilter:
    """Organisation holidays (no resource works on them); CSV on request."""
    return filter_of(service.CatalogFilter, params)


catalog_routes(
    router,
    service.HOLIDAYS,
    "/api/v1/holidays/{holiday_id}",
    (HolidayCreate, HolidayOut, HolidayPatch),
    "a holiday",
)

allocation_lists = ListRoutes(
    router,
    AllocationPage,
    allocations.list_allocations,
    allocations.allocation_json,
    CsvFile(tuple(AllocationOut.model_fields), "allocations.csv"),
)


@allocation_lists.route("/api/v1/allocations", "allocations-list")
def list_allocations(params: AllocationFeedParams) -> allocations.AllocationFilter:
    """Allocations on the projects the caller may see. Filter by `portfolio_id`, `project` (id
    or code), `status`, `mode`, `resource_id`, `role_id`, `q` (the note), `updated_since`; CSV
    streams every matching row."""
    return allocations.AllocationFilter.of(params)


@allocation_lists.route("/api/v1/projects/{project}/allocations", "project-allocations-list")
def list_project_allocations(
    params: AllocationListParams, project: str
) -> allocations.AllocationFilter:
    """The project's allocations (role-only ones are its unfilled demand); CSV on request."""
    return allocations.AllocationFilter.of(params, project=project)


allocation = ResourceRoutes(
    router, "/api/v1/allocations/{allocation_id}", AllocationOut, allocations.allocation_json
)
allocation.create(
    "/api/v1/projects/{project}/allocations",
    allocations.create_allocation,
    AllocationCreate,
    """Book a resource (or, unfilled demand, a role) on the project (editor). Accepted with
    `warnings` when it runs outside the project's dates or takes the resource above its
    capacity. Honours `Idempotency-Key`.""",
)
allocation.get(allocations.visible_allocation, "One allocation. Honours `If-None-Match`.")
allocation.update(
    allocations.update_allocation,
    AllocationPatch,
    "JSON Merge Patch of an allocation (editor), with its `warnings`. Honours `If-Match`.",
)
allocation.delete(allocations.delete_allocation, "Remove an allocation (editor).")


@read_route(
    router,
    "/api/v1/resources/{resource_id}/availability",
    "resources-availability",
    AvailabilityOut,
    csv=True,
)
async def resource_availability(
    request: Request,
    caller: Caller,
    db: DB,
    resource_id: uuid.UUID,
    params: Annotated[AvailabilityParams, Query()],
) -> Response:
    """Per day, week (from Monday) or month of [`from`, `to`]: the resource's capacity, the
    hours booked on it by status (on every project, those the caller cannot see included,
    unnamed), what is left, and utilisation. Computed in the database; CSV on request."""
    async with db.read() as conn:
        body = await service.resource_availability(
            conn, caller, resource_id, params.from_, params.to, params.grain
        )
    if wants_csv(request):
        cells = _cells(_period_rows(body), AVAILABILITY_CSV)
        return csv_response(AVAILABILITY_CSV, cells, filename="availability.csv")
    return JSONResponse(body)


# A row per period: the resource, the period, and its figures (the booked hours by status).
AVAILABILITY_CSV = (
    "resource_id",
    "period_start",
    "period_end",
    "capacity",
    "tentative",
    "requested",
    "approved",
    "allocated",
    "available",
    "utilisation",
)


def _period_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The availability's periods as CSV rows: the resource, and the booked hours flat."""
    return [
        {
            **p,
            **p["allocated"],
            "resource_id": body["resource_id"],
            "allocated": p["allocated"]["total"],
        }
        for p in body["periods"]
    ]


async def _cells(rows: list[dict[str, Any]], columns: Sequence[str]) -> AsyncIterator[list[Any]]:
    for row in rows:
        yield [flat(row[name]) for name in columns]
