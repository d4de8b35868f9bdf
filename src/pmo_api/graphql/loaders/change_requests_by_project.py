"""The change requests of each project (in the order and with the cursors of REST's project
list), filtered as asked, for `project.changeRequests`: every first page of a request in one
statement per distinct page size and filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.change_requests import service
from pmo_api.change_requests.models import change_requests
from pmo_api.change_requests.repository import CHANGE_REQUEST_ORDER
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages


def change_requests_by_project(
    db: Database, principal: Principal
) -> OwnerPages[service.ChangeRequestFilter]:
    return OwnerPages(
        db,
        principal,
        service.list_change_requests,
        change_requests.c.project_id,
        CHANGE_REQUEST_ORDER,
    )
