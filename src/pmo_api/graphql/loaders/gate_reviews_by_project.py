"""The gate reviews of each project (in the order and with the cursors of REST's project list),
filtered as asked, for `project.gateReviews`: every first page of a request in one statement per
distinct page size and filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.gates import service
from pmo_api.gates.models import gate_reviews
from pmo_api.gates.repository import REVIEW_ORDER
from pmo_api.graphql.loaders.first_pages import OwnerPages


def gate_reviews_by_project(
    db: Database, principal: Principal
) -> OwnerPages[service.GateReviewFilter]:
    return OwnerPages(db, principal, service.list_reviews, gate_reviews.c.project_id, REVIEW_ORDER)
