"""Each project's first milestones (in `due_date` order, as REST lists them), for
`project.milestones(first)`: one statement per batch, whatever the number of projects."""

from __future__ import annotations

from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.core.clock import today
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_of_each import Key, first_rows_loader
from pmo_api.schedule import repository
from pmo_api.schedule.models import milestones


def milestones_by_project(db: Database, principal: Principal) -> DataLoader[Key, list[RowMapping]]:
    return first_rows_loader(
        db,
        lambda: repository.milestones_of(principal, today()),
        repository.MILESTONE_ORDER,
        milestones.c.project_id,
    )
