"""The risks of each project (in the order and with the cursors of REST's project risk list),
filtered as asked, for `project.risks`: every first page of a request in one statement per
distinct page size and filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.risks import service
from pmo_api.risks.models import risks
from pmo_api.risks.repository import RISK_ORDER


def risks_by_project(db: Database, principal: Principal) -> OwnerPages[service.RiskFilter]:
    return OwnerPages(db, principal, service.list_risks, risks.c.project_id, RISK_ORDER)
