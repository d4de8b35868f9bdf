"""The assumptions of each project (creation order, REST's cursors), for
`project.assumptions`: every first page of a request in one statement per distinct page size
and filter."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.assumptions import service
from pmo_api.assumptions.models import assumptions
from pmo_api.assumptions.repository import sort_of
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages


def assumptions_by_project(
    db: Database, principal: Principal
) -> OwnerPages[service.AssumptionFilter]:
    return OwnerPages(
        db, principal, service.list_assumptions, assumptions.c.project_id, sort_of(None)
    )
