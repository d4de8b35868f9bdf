"""REST endpoints for resource management: roles, skills, resources (their skill levels, cost
rates and time off), holidays, allocations and a resource's availability."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.listing import ListParams, filter_of
from pmo_api.core.routes import CsvFile, ResourceRoutes
from pmo_api.resources import service
from pmo_api.resources.catalog import Catalog
from pmo_api.resources.schemas import (
    HolidayCreate,
    HolidayOut,
    HolidayPage,
    HolidayPatch,
    RateCreate,
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
    RoleOut,
    RolePage,
    RolePatch,
    SkillCreate,
    SkillOut,
    SkillPage,
    SkillPatch,
    TimeOffCreate,
    TimeOffOut,
    TimeOffPage,
    TimeOffPatch,
)

router = APIRouter(tags=["resources"])

_ADMIN = "(an admin not limited to portfolios)"


def _catalog_routes(
    catalog: Catalog,
    path: str,
    models: tuple[type[BaseModel], type[BaseModel], type[BaseModel]],
    what: str,
) -> None:
    """The create, get, update and delete of a catalog's rows at `path` (the item's)."""
    create, out, patch = models
    routes = ResourceRoutes(router, path, out, catalog.json)
    routes.create(
        path.rsplit("/", 1)[0],
        catalog.create,
        create,
        f"Add {what} {_ADMIN}. Honours `Idempotency-Key`.",
    )
    routes.get(catalog.visible, f"One {what.removeprefix('a ').removeprefix('an ')}.")
    routes.update(
        catalog.update, patch, f"JSON Merge Patch of {what} {_ADMIN}. Honours `If-Match`."
    )
    routes.delete(catalog.delete, f"Remove {what} {_ADMIN}. Honours `If-Match`.")


def _csv(out: type[BaseModel], name: str) -> CsvFile:
    return CsvFile(tuple(out.model_fields), f"{name}.csv")


role_lists = ListRoutes(
    router, RolePage, service.list_roles, service.ROLES.json, _csv(RoleOut, "roles")
)


@role_lists.route("/api/v1/roles", "roles-list")
def list_roles(params: ListParams) -> service.CatalogFilter:
    """Roles and their default cost rates; `q` searches names; CSV on request."""
    return filter_of(service.CatalogFilter, params)


_catalog_routes(
    service.ROLES, "/api/v1/roles/{role_id}", (RoleCreate, RoleOut, RolePatch), "a role"
)

skill_lists = ListRoutes(
    router, SkillPage, service.list_skills, service.SKILLS.json, _csv(SkillOut, "skills")
)


@skill_lists.route("/api/v1/skills", "skills-list")
def list_skills(params: ListParams) -> service.CatalogFilter:
    """Skills; `q` searches names and descriptions; CSV on request."""
    return filter_of(service.CatalogFilter, params)


_catalog_routes(
    service.SKILLS, "/api/v1/skills/{skill_id}", (SkillCreate, SkillOut, SkillPatch), "a skill"
)

resource_lists = ListRoutes(
    router,
    ResourcePage,
    service.list_resources,
    service.RESOURCES.json,
    _csv(ResourceOut, "resources"),
)


@resource_lists.route("/api/v1/resources", "resources-list")
def list_resources(params: ResourceListParams) -> service.ResourceFilter:
    """People, placeholders and teams. Filter by `kind`, `role_id`, `active`; `q` searches
    names and emails; CSV on request."""
    return filter_of(service.ResourceFilter, params)


_catalog_routes(
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
    _csv(ResourceSkillOut, "skill-levels"),
)


@skill_level_lists.route("/api/v1/resources/{resource_id}/skill-levels", "skill-levels-list")
def list_skill_levels(params: ListParams, resource_id: uuid.UUID) -> service.OwnedFilter:
    """The skills a resource holds, each at a level from 1 to 5; CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


_catalog_routes(
    service.RESOURCE_SKILLS,
    "/api/v1/resources/{resource_id}/skill-levels/{skill_level_id}",
    (ResourceSkillCreate, ResourceSkillOut, ResourceSkillPatch),
    "a skill level of a resource",
)

rate_lists = ListRoutes(
    router, RatePage, service.list_rates, service.RATES.json, _csv(RateOut, "rates")
)


@rate_lists.route("/api/v1/resources/{resource_id}/rates", "rates-list")
def list_rates(params: ListParams, resource_id: uuid.UUID) -> service.OwnedFilter:
    """A resource's cost rates, each in force from its `effective_from` until the next one's
    (the history of its changes); CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


_catalog_routes(
    service.RATES,
    "/api/v1/resources/{resource_id}/rates/{rate_id}",
    (RateCreate, RateOut, RatePatch),
    "a cost rate of a resource",
)

time_off_lists = ListRoutes(
    router, TimeOffPage, service.list_time_off, service.TIME_OFF.json, _csv(TimeOffOut, "time-off")
)


@time_off_lists.route("/api/v1/resources/{resource_id}/time-off", "time-off-list")
def list_time_off(params: ListParams, resource_id: uuid.UUID) -> service.OwnedFilter:
    """A resource's time off (whole days, or some hours of each day); CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


_catalog_routes(
    service.TIME_OFF,
    "/api/v1/resources/{resource_id}/time-off/{time_off_id}",
    (TimeOffCreate, TimeOffOut, TimeOffPatch),
    "time off of a resource",
)

holiday_lists = ListRoutes(
    router, HolidayPage, service.list_holidays, service.HOLIDAYS.json, _csv(HolidayOut, "holidays")
)


@holiday_lists.route("/api/v1/holidays", "holidays-list")
def list_holidays(params: ListParams) -> service.CatalogFilter:
    """Organisation holidays (no resource works on them); CSV on request."""
    return filter_of(service.CatalogFilter, params)


_catalog_routes(
    service.HOLIDAYS,
    "/api/v1/holidays/{holiday_id}",
    (HolidayCreate, HolidayOut, HolidayPatch),
    "a holiday",
)
