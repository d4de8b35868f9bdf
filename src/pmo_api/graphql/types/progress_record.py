"""`ProgressRecord`, and `project.progress`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from pmo_api.graphql.context import Info
from pmo_api.schedule import service


@strawberry.type
class ProgressRecord:
    id: strawberry.ID
    project_id: strawberry.ID
    as_of: date
    percent_complete: float
    note: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> ProgressRecord:
        body = service.progress_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            as_of=body["as_of"],
            percent_complete=body["percent_complete"],
            note=body["note"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


async def progress_of(info: Info, project_id: uuid.UUID) -> list[ProgressRecord]:
    """`project.progress`, through its DataLoader."""
    rows = await info.context.loaders.progress_by_project.load(project_id)
    return [ProgressRecord.from_row(row) for row in rows]
