"""The quality reviews of each project (in the order and with the cursors of REST's project
review list), filtered as asked, for `project.qualityReviews`: every first page of a request in
one statement per distinct page size and filter, whatever the number of projects."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.quality import service
from pmo_api.quality.models import quality_reviews
from pmo_api.quality.repository import REVIEW_ORDER


def quality_reviews_by_project(
    db: Database, principal: Principal
) -> OwnerPages[service.ReviewFilter]:
    return OwnerPages(
        db, principal, service.list_reviews, quality_reviews.c.project_id, REVIEW_ORDER
    )
