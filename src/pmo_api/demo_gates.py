"""The demo's gate reviews (demo.py loads them once the projects have their milestones), made
through the gate review services so that every rule applies: CRM-2026 passed its business case
gate (`go`, with conditions that became action items), and DATA-LAKE's design sign-off was put
on hold (the project is on hold; its gate stays open and overdue, as its health says)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import LOCAL_ADMIN
from pmo_api.core.etags import NO_PRECONDITION
from pmo_api.gates import decide, service
from pmo_api.gates.schemas import GateDecisionIn, GateReviewCreate
from pmo_api.projects.models import projects
from pmo_api.schedule.models import milestones

ADMIN = LOCAL_ADMIN


async def _gate(conn: AsyncConnection, code: str, name: str) -> uuid.UUID | None:
    stmt = (
        select(milestones.c.id)
        .join(projects, projects.c.id == milestones.c.project_id)
        .where(projects.c.code == code, milestones.c.name == name, milestones.c.is_gate)
    )
    found: uuid.UUID | None = (await conn.execute(stmt)).scalar()
    return found


async def _review(
    conn: AsyncConnection,
    code: str,
    gate: str,
    review: dict[str, object],
    decision: dict[str, object],
) -> None:
    milestone_id = await _gate(conn, code, gate)
    if milestone_id is None:
        return  # a project that has not started has no milestones yet
    data = GateReviewCreate.model_validate({"milestone_id": milestone_id, **review})
    made = await service.create_review(conn, principal=ADMIN, ref=code, data=data)
    await decide.decide_review(
        conn,
        principal=ADMIN,
        object_id=made["id"],
        patch=GateDecisionIn.model_validate(decision),
        precondition=NO_PRECONDITION,
    )


async def load_gate_reviews(
    conn: AsyncConnection, t: date, spans: dict[str, tuple[date, date]]
) -> None:
    """The two reviews; `spans`: each project's planned start and finish (demo.py)."""
    if "CRM-2026" in spans:
        crm = spans["CRM-2026"][0] + timedelta(days=14)  # its business case gate (demo.py)
        await _review(
            conn,
            "CRM-2026",
            "Business case approved",
            {
                "scheduled_on": crm - timedelta(days=2),
                "criteria": [
                    {"key": "business_case", "text": "Business case signed by the sponsor",
                     "level": "must", "result": "met"},
                    {"key": "funding", "text": "Funding released for the first year",
                     "level": "must", "result": "met"},
                    {"key": "data_migration", "text": "Data migration approach agreed",
                     "level": "should", "result": "not_met",
                     "comment": "Two options still open; see the conditions."},
                ],
                "reviewers": [
                    {"name": "Dana Ortiz", "vote": "go"},
                    {"name": "Marc Dubois", "vote": "go"},
                    {"name": "Lena Fischer", "vote": "hold",
                     "comment": "Migration approach first."},
                ],
            },
            {
                "decision": "go",
                "decided_on": crm,
                "decided_by": "Dana Ortiz",
                "rationale": "The case holds; the migration approach follows within weeks.",
                "conditions": [
                    {"title": "Choose the data migration approach", "owner": "Priya Raman",
                     "due_date": t + timedelta(days=21)},
                    {"title": "Name a data owner per customer domain", "owner": "Dana Ortiz",
                     "due_date": t + timedelta(days=45)},
                ],
            },
        )  # fmt: skip
    await _review(
        conn,
        "DATA-LAKE",
        "Design sign-off",
        {
            "scheduled_on": t - timedelta(days=12),
            "held_on": t - timedelta(days=10),
            "criteria": [
                {"key": "architecture", "text": "Target architecture approved",
                 "level": "must", "result": "met"},
                {"key": "security", "text": "Security review passed", "level": "must",
                 "result": "met"},
                {"key": "governance", "text": "Data governance model agreed",
                 "level": "should", "result": "not_met"},
            ],
            "reviewers": [
                {"name": "Dana Ortiz", "vote": "hold"},
                {"name": "Samuel Okafor", "vote": "go"},
            ],
        },
        {
            "decision": "hold",
            "decided_on": t - timedelta(days=10),
            "decided_by": "Dana Ortiz",
            "rationale": "Funding for phase 2 is under review; resume once it is confirmed.",
        },
    )  # fmt: skip
