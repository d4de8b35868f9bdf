"""The time entries of each project (in the order and with the cursors of REST's project time
entry list), filtered as asked, for `project.timeEntries`: every first page of a request in
one statement per distinct page size and filter."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.resources import time_entries
from pmo_api.resources.models import time_entries as time_entry_rows


def time_entries_by_project(
    db: Database, principal: Principal
) -> OwnerPages[time_entries.TimeEntryFilter]:
    return OwnerPages(
        db,
        principal,
        time_entries.list_time_entries,
        time_entry_rows.c.project_id,
        time_entries.TIME_ENTRY_ORDER,
    )
