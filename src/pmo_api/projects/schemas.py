"""What crosses the API edge for projects."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import ItemList, LongText, Name, Person, TagList
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, many, sorted_by
from pmo_api.core.money import NonNegativeMoney
from pmo_api.core.patch import MergePatch, patch_of
from pmo_api.health.rules import NOT_JUDGED, HealthStatus
from pmo_api.projects.models import EvMethod as EvMethodEnum
from pmo_api.projects.models import ProjectStatus

CODE_PATTERN = r"^[A-Z][A-Z0-9-]{1,19}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
if TYPE_CHECKING:
    Status = str
    EvMethod = str
    Health = str
    HealthReason = str
else:
    # The domains' StrEnums, as the inline string enums the OpenAPI document has always shown.
    Status = Literal[tuple(s.value for s in ProjectStatus)]
    EvMethod = Literal[tuple(m.value for m in EvMethodEnum)]
    Health = Literal[tuple(h.value for h in HealthStatus)]
    HealthReason = Literal[tuple(sorted(set(NOT_JUDGED.values()), reverse=True))]
Priority = Annotated[int, Field(ge=1, le=5)]


class ProjectCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    code: Code
    portfolio_id: uuid.UUID
    program_id: uuid.UUID | None = Field(
        default=None,
        description="The programme of the project's portfolio it belongs to, if any; moving the "
        "project to another portfolio clears it unless the same patch names one of the new "
        "portfolio.",
    )
    name: Name
    description: LongText | None = None
    objectives: ItemList = []
    scope: LongText | None = None
    deliverables: ItemList = []
    constraints: ItemList = []
    sponsor: Person | None = None
    manager: Person | None = None
    priority: Priority = 3
    status: Status = "proposed"
    start_date: date | None = None
    finish_date: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    budget: NonNegativeMoney = Decimal(0)
    ev_method: EvMethod = "milestones"
    tags: TagList = []


@patch_of(ProjectCreate)
class ProjectPatch(MergePatch):
    required_fields = frozenset(
        {
            "code",
            "portfolio_id",
            "name",
            "objectives",
            "deliverables",
            "constraints",
            "priority",
            "status",
            "budget",
            "ev_method",
            "tags",
        }
    )


class ProjectOut(BaseModel):
    id: uuid.UUID
    code: str
    portfolio_id: uuid.UUID
    program_id: uuid.UUID | None
    name: str
    description: str | None
    objectives: list[str]
    scope: str | None
    deliverables: list[str]
    constraints: list[str]
    sponsor: str | None
    manager: str | None
    priority: int
    status: Status
    health: Health | None = Field(
        description="Read-only, computed as of today (CONTRACT §5): the worst of cost (CPI), "
        "schedule (SPI), overdue milestones and open risks. "
        "`/api/v1/projects/{project}/health` explains it. Only a project in flight (`active`, "
        "`on_hold`) is judged: otherwise null, and `health_reason` says why."
    )
    health_reason: HealthReason | None = Field(
        description="Why `health` is null: `not started` (proposed, approved) or `closed` "
        "(completed, cancelled); null when it is judged."
    )
    start_date: date | None
    finish_date: date | None
    actual_start: date | None
    actual_finish: date | None
    budget: float = Field(description="Budget at completion (BAC), in the portfolio's currency.")
    currency: str = Field(description="ISO 4217, inherited from the portfolio (read-only).")
    ev_method: EvMethod
    tags: list[str]
    template_id: uuid.UUID | None = Field(
        description="Read-only: the methodology template the project was made from (or had "
        "applied), null when none."
    )
    template_version: int | None = Field(
        description="Read-only: the version of that template (a later version never changes "
        "the project)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class ProjectPage(BaseModel):
    data: list[ProjectOut]
    next_cursor: str | None


class ProjectListParams(ListParams):
    sort: str | None = sorted_by(
        "budget",
        "code",
        "created_at",
        "finish_date",
        "id",
        "name",
        "priority",
        "start_date",
        "status",
        "updated_at",
    )
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    status: list[Status] = many()
    priority: list[Priority] = many()
    code: list[str] = many()
    manager: list[str] = many()
    sponsor: list[str] = many()
    ev_method: list[EvMethod] = many()
    health: list[Health] = Field(
        default_factory=list,
        max_length=3,
        description="Only projects of this health (repeat for OR). Health is computed, not "
        "stored: a page may read many projects to find its matches.",
    )
