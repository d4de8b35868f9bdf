"""The issues of each project (creation order, REST's cursors), for `project.issues`: every
first page of a request in one statement per distinct page size and filter."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.raid_issues import service
from pmo_api.raid_issues.models import raid_issues
from pmo_api.raid_issues.repository import sort_of


def issues_by_project(db: Database, principal: Principal) -> OwnerPages[service.IssueFilter]:
    return OwnerPages(db, principal, service.list_issues, raid_issues.c.project_id, sort_of(None))
