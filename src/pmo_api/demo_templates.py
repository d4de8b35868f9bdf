"""The demo's methodology template, "Stage-gate standard" (five milestones, three gates), and
one proposed project planned from it, PMO-STD, starting four weeks after the day the demo is
loaded: made through the same services as the API (templates/service.py, planning.py)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import LOCAL_ADMIN
from pmo_api.templates import planning
from pmo_api.templates import service as templates
from pmo_api.templates.schemas import ProjectFromTemplate, TemplateCreate

STAGE_GATE = {
    "key": "stage-gate-standard",
    "name": "Stage-gate standard",
    "description": "The PMO's default lifecycle: five stages, three go/no-go gates.",
    "milestones": [
        {"name": "Project charter signed", "offset_days": 0, "weight": 1},
        {
            "name": "Gate 1: business case approved",
            "offset_days": 10,
            "working_days": True,
            "gate_key": "business-case",
            "weight": 1,
        },
        {
            "name": "Gate 2: design approved",
            "offset_days": 30,
            "working_days": True,
            "gate_key": "design",
            "weight": 2,
        },
        {"name": "Build complete", "offset_days": 120, "weight": 4},
        {
            "name": "Gate 3: ready for launch",
            "offset_days": 5,
            "anchor": "finish",
            "working_days": True,
            "gate_key": "launch",
            "weight": 2,
        },
    ],
    "gates": [
        {
            "key": "business-case",
            "name": "Business case",
            "criteria": [
                {"key": "benefits", "text": "Benefits quantified and owned", "level": "must"},
                {"key": "funding", "text": "Funding confirmed", "level": "must"},
                {"key": "alternatives", "text": "Alternatives considered", "level": "should"},
            ],
            "required_documents": ["Business case", "Project charter"],
        },
        {
            "key": "design",
            "name": "Design",
            "criteria": [
                {"key": "architecture", "text": "Architecture reviewed", "level": "must"},
                {"key": "risks", "text": "Top risks have owners", "level": "should"},
            ],
            "required_documents": ["Solution design"],
        },
        {
            "key": "launch",
            "name": "Launch readiness",
            "criteria": [
                {"key": "tested", "text": "Acceptance tests passed", "level": "must"},
                {"key": "support", "text": "Support handover done", "level": "must"},
            ],
            "required_documents": ["Test report", "Runbook"],
        },
    ],
    "kpis": [{"code": "cpi", "target": 1.0}, {"code": "spi", "target": 1.0}],
    "risk_categories": ["technical", "commercial", "resourcing"],
    "budget_categories": ["labor", "vendor", "contractors"],
    "stakeholder_roles": ["sponsor", "project manager", "architect", "business owner"],
    "reporting_cadence": {"every_weeks": 2},
}


async def load_template(conn: AsyncConnection, portfolio_id: uuid.UUID, t: date) -> None:
    made = await templates.create_template(
        conn, principal=LOCAL_ADMIN, data=TemplateCreate.model_validate(STAGE_GATE)
    )
    data = ProjectFromTemplate.model_validate(
        {
            "code": "PMO-STD",
            "portfolio_id": portfolio_id,
            "name": "Supplier portal (stage-gate standard)",
            "description": "Planned from the Stage-gate standard template.",
            "status": "proposed",
            "sponsor": "Chief Operating Officer",
            "manager": "Dana Ortiz",
            "budget": 450_000,
            "tags": ["template"],
            "template_id": made["id"],
            "start_date": t + timedelta(days=28),
        }
    )
    await planning.create_project_from_template(conn, principal=LOCAL_ADMIN, data=data)
