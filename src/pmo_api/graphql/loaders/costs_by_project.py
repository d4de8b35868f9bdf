"""The cost entries of each project (in creation order, with the cursors of REST's project cost
list), for `project.costs`: every first page of a request in one statement per distinct page
size, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.budget import service
from pmo_api.budget.models import cost_entries
from pmo_api.budget.repository import COST_ORDER
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages


def costs_by_project(db: Database, principal: Principal) -> OwnerPages[service.CostFilter]:
    return OwnerPages(db, principal, service.list_costs, cost_entries.c.project_id, COST_ORDER)
