"""Each quality review's first findings (in creation order, as REST lists them), for
`qualityReview.findings(first)`: one statement per batch, whatever the number of reviews."""

from __future__ import annotations

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Key, first_rows_loader
from pmo_api.quality import repository
from pmo_api.quality.models import quality_findings


def findings_by_review(db: Database, principal: Principal) -> DataLoader[Key, list[RowMapping]]:
    return first_rows_loader(
        db,
        lambda: repository.presented_findings(principal),
        repository.FINDING_ORDER,
        quality_findings.c.review_id,
    )
