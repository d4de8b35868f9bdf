"""Each gate's first reviews (in creation order), for `milestone.gateReviews(first)`: one
statement per batch, whatever the number of milestones."""

from __future__ import annotations

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.gates import repository
from pmo_api.gates.models import gate_reviews
from pmo_api.graphql.loaders.first_of_each import Key, first_rows_loader


def gate_reviews_by_milestone(
    db: Database, principal: Principal
) -> DataLoader[Key, list[RowMapping]]:
    return first_rows_loader(
        db,
        lambda: repository.presented(principal),
        repository.REVIEW_ORDER,
        gate_reviews.c.milestone_id,
    )
