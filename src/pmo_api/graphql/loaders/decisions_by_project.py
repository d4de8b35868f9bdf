"""The decisions of each project (in the order and with the cursors of REST's project list),
filtered as asked, for `project.decisions`: every first page of a request in one statement per
distinct page size and filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.decisions import service
from pmo_api.decisions.models import decisions
from pmo_api.decisions.repository import DECISION_ORDER
from pmo_api.graphql.loaders.first_pages import OwnerPages


def decisions_by_project(db: Database, principal: Principal) -> OwnerPages[service.DecisionFilter]:
    return OwnerPages(db, principal, service.list_decisions, decisions.c.project_id, DECISION_ORDER)
