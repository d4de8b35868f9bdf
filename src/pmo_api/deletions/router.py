"""REST endpoint of the deletions feed (docs/resources.md, "Deletions")."""

from __future__ import annotations

from fastapi import APIRouter

from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile
from pmo_api.deletions import repository as repo
from pmo_api.deletions import service
from pmo_api.deletions.schemas import DeletionFeedParams, DeletionPage

router = APIRouter(tags=["deletions"])

DELETIONS_CSV = CsvFile(repo.FIELDS, "deletions.csv", copy=True)

deletion_lists = ListRoutes(
    router, DeletionPage, service.list_deletions, service.deletion_json, DELETIONS_CSV
)


@deletion_lists.route("/api/v1/deletions", "deletions-list")
def list_deletions(params: DeletionFeedParams) -> service.DeletionFilter:
    """Tombstones of the rows deleted (or archived), and of the projects moved to another
    portfolio, in the portfolios the caller may see: what an incremental pull drops. Pull it
    with the same `updated_since` as every other feed (here: deleted at or after); filter by
    `object_type`, `portfolio_id`, `program_id` (the programme the row was in when it went),
    `project` (id or code). A project's tombstone stands for every row it owned. CSV streams
    every matching row."""
    return service.DeletionFilter.of(params)
