"""The allocations of each resource the caller may see (those of its visible projects), for
`resource.allocations`: every first page of a request in one statement per distinct page size
and filter."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.resources import allocations
from pmo_api.resources.models import allocations as allocation_rows


def allocations_by_resource(
    db: Database, principal: Principal
) -> OwnerPages[allocations.AllocationFilter]:
    return OwnerPages(
        db,
        principal,
        allocations.list_allocations,
        allocation_rows.c.resource_id,
        allocations.ALLOCATION_ORDER,
    )
