"""`ProgressRecord`, and `project.progress`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from pmo_api.graphql.bodies import FromBody
from pmo_api.graphql.context import Info
from pmo_api.graphql.relay import page_size
from pmo_api.schedule import service


@strawberry.type
class ProgressRecord(FromBody, body_of=service.progress_json):
    id: strawberry.ID
    project_id: strawberry.ID
    as_of: date
    percent_complete: float
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int


async def progress_of(info: Info, project_id: uuid.UUID, first: int) -> list[ProgressRecord]:
    """`project.progress(first)`, through its DataLoader."""
    rows = await info.context.loaders.progress_by_project.load((project_id, page_size(first)))
    return [ProgressRecord.from_row(row) for row in rows]
