"""The status reports of each project (in `period_end` order, with the cursors of REST's list),
of the states asked for, for `project.statusReports`: every first page of a request in one
statement per distinct page size and state filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.reports import service
from pmo_api.reports.models import status_reports
from pmo_api.reports.repository import REPORT_ORDER


def status_reports_by_project(
    db: Database, principal: Principal
) -> OwnerPages[service.ReportFilter]:
    return OwnerPages(
        db, principal, service.list_reports, status_reports.c.project_id, REPORT_ORDER
    )
