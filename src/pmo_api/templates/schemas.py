"""What crosses the API edge for methodology templates and projects made from them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmo_api.core.fields import Category, Item, LongText, Name
from pmo_api.core.inputs import JsonBody, QueryModel
from pmo_api.core.listing import ListParams, Page, sorted_by
from pmo_api.projects.schemas import ProjectCreate, ProjectOut
from pmo_api.schedule.schemas import MilestoneOut, MilestoneWeight
from pmo_api.templates.models import Anchor as AnchorEnum
from pmo_api.templates.models import CriterionLevel as LevelEnum

if TYPE_CHECKING:
    Anchor = str
    Level = str
else:
    Anchor = Literal[tuple(a.value for a in AnchorEnum)]
    Level = Literal[tuple(lv.value for lv in LevelEnum)]

KEY_PATTERN = r"^[a-z][a-z0-9_-]{0,49}$"
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
KpiCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
# Ten years of days: enough for any plan, and far from the end of the calendar.
MAX_OFFSET = 3660


class TemplateMilestone(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    weight: MilestoneWeight = Field(
        default=Decimal(1), description="As a milestone's weight (> 0)."
    )
    offset_days: int = Field(ge=0, le=MAX_OFFSET, description="Days from the anchor.")
    anchor: Anchor = Field(
        default="start",
        description="`start`: forward from the project's start; `finish`: back from its finish.",
    )
    working_days: bool = Field(
        default=False,
        description="Count Monday to Friday less the organisation holidays (WORKDAY), not "
        "calendar days.",
    )
    gate_key: Key | None = Field(default=None, description="The gate this milestone is.")


class Criterion(JsonBody):
    model_config = ConfigDict(extra="forbid")

    key: Key
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    level: Level = "must"


class GateDefinition(JsonBody):
    model_config = ConfigDict(extra="forbid")

    key: Key
    name: Name
    criteria: list[Criterion] = Field(default_factory=list, max_length=100)
    required_documents: list[Item] = Field(default_factory=list, max_length=100)


class TemplateKpi(JsonBody):
    model_config = ConfigDict(extra="forbid")

    code: KpiCode
    target: float | None = Field(default=None, allow_inf_nan=False)


class ReportingCadence(JsonBody):
    """`{"every_weeks": N}` or `{"month_end": true}`: one of the two."""

    model_config = ConfigDict(extra="forbid")

    every_weeks: int | None = Field(default=None, ge=1, le=52)
    month_end: bool | None = None


class TemplateBody(JsonBody):
    """A version's whole content (a new version is a full new body)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None
    milestones: list[TemplateMilestone] = Field(default_factory=list, max_length=200)
    gates: list[GateDefinition] = Field(default_factory=list, max_length=50)
    kpis: list[TemplateKpi] = Field(default_factory=list, max_length=100)
    risk_categories: list[Category] = Field(default_factory=list, max_length=100)
    budget_categories: list[Category] = Field(default_factory=list, max_length=100)
    stakeholder_roles: list[Item] = Field(default_factory=list, max_length=100)
    reporting_cadence: ReportingCadence | None = None


class TemplateCreate(TemplateBody):
    key: Key = Field(description="Unique and fixed: `stage-gate`, `agile_release`.")


class TemplateMilestoneOut(BaseModel):
    name: str
    weight: float
    offset_days: int
    anchor: Anchor
    working_days: bool
    gate_key: str | None


class TemplateCriterionOut(BaseModel):
    key: str
    text: str
    level: Level


class GateDefinitionOut(BaseModel):
    key: str
    name: str
    criteria: list[TemplateCriterionOut]
    required_documents: list[str]


class TemplateKpiOut(BaseModel):
    code: str
    target: float | None


class ReportingCadenceOut(BaseModel):
    every_weeks: int | None
    month_end: bool | None


class TemplateVersionOut(BaseModel):
    template_id: uuid.UUID
    template_version: int = Field(description="The version number, 1, 2, … (immutable).")
    name: str
    description: str | None
    milestones: list[TemplateMilestoneOut]
    gates: list[GateDefinitionOut]
    kpis: list[TemplateKpiOut]
    risk_categories: list[str]
    budget_categories: list[str]
    stakeholder_roles: list[str]
    reporting_cadence: ReportingCadenceOut | None
    published_at: datetime


class TemplateOut(TemplateVersionOut):
    id: uuid.UUID
    key: str
    latest_version: int
    created_at: datetime
    updated_at: datetime
    version: int


class TemplatePage(Page[TemplateOut]):
    pass


class TemplateVersionPage(Page[TemplateVersionOut]):
    pass


class TemplateListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "key", "name", "updated_at")


class TemplateVersionListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "template_version", "updated_at")


class TemplateGetParams(QueryModel):
    version: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="A version; default the latest."
    )


class TemplateChoice(JsonBody):
    model_config = ConfigDict(extra="forbid")

    template_id: uuid.UUID
    template_version: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="Default: the template's latest version."
    )


class ProjectFromTemplate(ProjectCreate):
    """A project's create body, the template, and exactly one of `start_date` (plan forward)
    or `finish_date` (plan backward)."""

    template_id: uuid.UUID
    template_version: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="Default: the template's latest version."
    )


class ProjectWithMilestones(ProjectOut):
    milestones: list[MilestoneOut]
