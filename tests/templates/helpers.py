"""A methodology template to test with, made over REST."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import post_created

TEMPLATES = "/api/v1/methodology-templates"


def stage_gate(**overrides: Any) -> dict[str, Any]:
    """Four milestones, two gates: offsets forward from the start and back from the finish."""
    body: dict[str, Any] = {
        "key": "stage-gate",
        "name": "Stage-gate",
        "milestones": [
            {"name": "Kick-off", "offset_days": 0},
            {"name": "Design approved", "offset_days": 5, "working_days": True, "gate_key": "g1"},
            {"name": "Build done", "offset_days": 30, "weight": 3},
            {"name": "Go-live", "offset_days": 2, "anchor": "finish", "gate_key": "g2"},
        ],
        "gates": [
            {
                "key": "g1",
                "name": "Design gate",
                "criteria": [
                    {"key": "spec", "text": "Specification signed", "level": "must"},
                    {"key": "risks", "text": "Risks reviewed", "level": "should"},
                ],
                "required_documents": ["Specification"],
            },
            {"key": "g2", "name": "Release gate"},
        ],
        "kpis": [{"code": "cpi", "target": 1.0}],
        "risk_categories": ["technical"],
        "budget_categories": ["labor"],
        "stakeholder_roles": ["sponsor"],
        "reporting_cadence": {"every_weeks": 2},
    }
    body.update(overrides)
    return body


async def make_template(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    return await post_created(client, TEMPLATES, stage_gate(**overrides))
