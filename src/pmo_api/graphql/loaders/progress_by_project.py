"""Each project's first progress records (in `as_of` order, as REST lists them), for
`project.progress(first)`: one statement per batch."""

from __future__ import annotations

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Key, first_rows_loader
from pmo_api.schedule import repository
from pmo_api.schedule.models import progress_records


def progress_by_project(db: Database, principal: Principal) -> DataLoader[Key, list[RowMapping]]:
    return first_rows_loader(
        db,
        lambda: repository.progress_of(principal),
        repository.PROGRESS_ORDER,
        progress_records.c.project_id,
    )
