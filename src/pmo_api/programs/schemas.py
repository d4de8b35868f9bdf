"""What crosses the API edge for programmes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmo_api.core.fields import LongText, Name, Person
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of
from pmo_api.programs.models import ProgramStatus

if TYPE_CHECKING:
    Status = str
else:
    Status = Literal[tuple(s.value for s in ProgramStatus)]

ObjectiveIds = Annotated[
    list[uuid.UUID],
    Field(
        max_length=100,
        description="Ids of strategic objectives of the programme's portfolio (each once).",
    ),
]


class ProgramCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None
    objectives: ObjectiveIds = []
    sponsor: Person | None = None
    manager: Person | None = None
    status: Status = "proposed"


@patch_of(ProgramCreate)
class ProgramPatch(MergePatch):
    required_fields = frozenset({"name", "objectives", "status"})


class ProgramOut(BaseModel):
    id: uuid.UUID
    portfolio_id: uuid.UUID
    name: str
    description: str | None
    objectives: list[uuid.UUID]
    sponsor: str | None
    manager: str | None
    status: Status
    currency: str = Field(description="ISO 4217, the portfolio's (read-only).")
    created_at: datetime
    updated_at: datetime
    version: int


class ProgramPage(Page[ProgramOut]):
    pass


class ProgramListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "name", "status", "updated_at")
    status: list[Status] = many()
    manager: list[str] = many()
    sponsor: list[str] = many()


class ProgramFeedParams(ProgramListParams):
    portfolio_id: list[uuid.UUID] = many()
