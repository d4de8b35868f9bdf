"""The first N status reports of each project (in `period_end` order, with the cursors of REST's
list), for `project.statusReports`: one statement per batch (per distinct page size and state
filter), whatever the number of projects."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page
from pmo_api.graphql.loaders.first_pages import first_pages
from pmo_api.reports import service
from pmo_api.reports.models import status_reports

Key = tuple[uuid.UUID, int, service.ReportFilter]  # (project id, how many, filters)


def status_reports_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    return first_pages(db, principal, service.list_reports, status_reports.c.project_id)
