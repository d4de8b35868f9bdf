"""`MethodologyTemplate` and `MethodologyTemplateVersion` (with the nested milestones, gate
definitions, KPIs and cadence, and the enums `TemplateAnchor`, `CriterionLevel`), and
`project.template`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from pmo_api.graphql.context import Info
from pmo_api.graphql.operation_limits import bounded
from pmo_api.templates import service
from pmo_api.templates.models import Anchor, CriterionLevel

strawberry.enum(Anchor, name="TemplateAnchor")
MAX_VERSIONS = 500
strawberry.enum(CriterionLevel, name="CriterionLevel")


@strawberry.type
class TemplateMilestone:
    name: str
    weight: float
    offset_days: int
    anchor: Anchor = strawberry.field(
        description="START: forward from the project's start; FINISH: back from its finish."
    )
    working_days: bool = strawberry.field(
        description="Monday to Friday less the organisation holidays, else calendar days."
    )
    gate_key: str | None


@strawberry.type
class GateCriterion:
    key: str
    text: str
    level: CriterionLevel


@strawberry.type
class GateDefinition:
    key: str
    name: str
    criteria: list[GateCriterion] = strawberry.field(metadata=bounded(100))
    required_documents: list[str]


@strawberry.type
class TemplateKpi:
    code: str
    target: float | None


@strawberry.type(description="everyWeeks N, or monthEnd true.")
class ReportingCadence:
    every_weeks: int | None
    month_end: bool | None


def _content(body: Mapping[str, Any]) -> dict[str, Any]:
    """The nested fields of a version body (service.version_json's) as GraphQL objects."""
    cadence = body["reporting_cadence"]
    return {
        "milestones": [
            TemplateMilestone(**{**m, "anchor": Anchor(m["anchor"])}) for m in body["milestones"]
        ],
        "gates": [
            GateDefinition(
                key=g["key"],
                name=g["name"],
                criteria=[
                    GateCriterion(key=c["key"], text=c["text"], level=CriterionLevel(c["level"]))
                    for c in g["criteria"]
                ],
                required_documents=list(g["required_documents"]),
            )
            for g in body["gates"]
        ],
        "kpis": [TemplateKpi(code=k["code"], target=k["target"]) for k in body["kpis"]],
        "risk_categories": list(body["risk_categories"]),
        "budget_categories": list(body["budget_categories"]),
        "stakeholder_roles": list(body["stakeholder_roles"]),
        "reporting_cadence": None if cadence is None else ReportingCadence(**cadence),
    }


@strawberry.type(description="One immutable version of a methodology template.")
class MethodologyTemplateVersion:
    template_id: strawberry.ID
    template_version: int
    name: str
    description: str | None
    milestones: list[TemplateMilestone] = strawberry.field(metadata=bounded(200))
    gates: list[GateDefinition] = strawberry.field(metadata=bounded(50))
    kpis: list[TemplateKpi] = strawberry.field(metadata=bounded(100))
    risk_categories: list[str]
    budget_categories: list[str]
    stakeholder_roles: list[str]
    reporting_cadence: ReportingCadence | None
    published_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> MethodologyTemplateVersion:
        body = service.version_json(row)
        return cls(
            template_id=strawberry.ID(str(body["template_id"])),
            template_version=body["template_version"],
            name=body["name"],
            description=body["description"],
            published_at=body["published_at"],
            **_content(body),
        )


@strawberry.type(description="A methodology template, shown with one of its versions.")
class MethodologyTemplate(MethodologyTemplateVersion):
    id: strawberry.ID
    key: str
    latest_version: int
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> MethodologyTemplate:
        body = service.template_json(row)
        return cls(
            id=strawberry.ID(str(body["id"])),
            key=body["key"],
            latest_version=body["latest_version"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
            template_id=strawberry.ID(str(body["template_id"])),
            template_version=body["template_version"],
            name=body["name"],
            description=body["description"],
            published_at=body["published_at"],
            **_content(body),
        )

    @strawberry.field(
        description=f"Its versions, oldest first (the first {MAX_VERSIONS}).",
        metadata=bounded(MAX_VERSIONS),
    )
    async def versions(self, info: Info) -> list[MethodologyTemplateVersion]:
        rows = await info.context.loaders.template_versions.load(uuid.UUID(self.id))
        return [MethodologyTemplateVersion.from_row(row) for row in rows[:MAX_VERSIONS]]


async def template_of(
    info: Info, template_id: uuid.UUID, number: int
) -> MethodologyTemplate | None:
    """`project.template`: the template as of the version the project records."""
    rows = await info.context.loaders.template_versions.load(template_id)
    for row in rows:
        if row["template_version"] == number:
            return MethodologyTemplate.from_row(row)
    return None
