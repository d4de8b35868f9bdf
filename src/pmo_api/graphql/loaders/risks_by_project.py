"""The first N risks of each project (in the order and with the cursors of REST's project risk
list), filtered as asked, for `project.risks`: one statement per batch (per distinct page size
and filter), whatever the number of projects."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Page
from pmo_api.graphql.loaders.first_pages import first_pages
from pmo_api.risks import service
from pmo_api.risks.models import risks

Key = tuple[uuid.UUID, int, service.RiskFilter]  # (project id, how many, filters)


def risks_by_project(db: Database, principal: Principal) -> DataLoader[Key, Page]:
    return first_pages(db, principal, service.list_risks, risks.c.project_id)
