"""The demo's RAID log (issue 16), loaded after the projects' delivery (demo.py): a
cross-project dependency that has slipped (CRM-2026's go-live, forecast a month late, holds up
WEB-NEXT's, already amber for its overdue milestone and high risk, so no verdict of the demo's
health mix changes), open issues and assumptions, one of them invalid and raised as an issue.
Everything goes through the services, as the API would write it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import LOCAL_ADMIN
from pmo_api.assumptions import service as assumptions
from pmo_api.assumptions.schemas import AssumptionCreate, RaiseBody
from pmo_api.core.etags import NO_PRECONDITION
from pmo_api.dependencies import service as dependencies
from pmo_api.dependencies.schemas import DependencyCreate
from pmo_api.projects.models import projects
from pmo_api.raid_issues import service as issues
from pmo_api.raid_issues.schemas import IssueCreate
from pmo_api.schedule import service as schedule
from pmo_api.schedule.models import milestones
from pmo_api.schedule.schemas import MilestonePatch

ADMIN = LOCAL_ADMIN
SLIPPED = ("CRM-2026", "WEB-NEXT")  # predecessor's project, successor's project
ISSUES = (
    ("CRM-2026", "Data migration scripts fail on legacy accounts", "high", "Ana Costa"),
    ("WEB-NEXT", "Hosting contract not yet signed", "medium", "Ines Moreau"),
    ("FLEET-EV", "Charging points delivered late", "critical", "Karl Jensen"),
)
ASSUMPTIONS = (
    ("CRM-2026", "Sales keeps two reps free for user acceptance testing", "medium", "valid"),
    ("WEB-NEXT", "The brand guidelines are final by the design sign-off", "high", "unvalidated"),
    ("FLEET-EV", "The grid operator approves the depot connection in Q1", "low", "invalid"),
)


async def _go_live(conn: AsyncConnection, code: str) -> Any:
    stmt = (
        select(milestones)
        .join(projects, projects.c.id == milestones.c.project_id)
        .where(projects.c.code == code, milestones.c.name == "Go-live")
    )
    return (await conn.execute(stmt)).mappings().one_or_none()


async def _slipped_dependency(conn: AsyncConnection) -> None:
    before = await _go_live(conn, SLIPPED[0])
    after = await _go_live(conn, SLIPPED[1])
    if before is None or after is None or before["completed_on"] or after["completed_on"]:
        return
    forecast: date = before["due_date"] + timedelta(days=30)
    await schedule.update_milestone(
        conn,
        principal=ADMIN,
        object_id=before["id"],
        patch=MilestonePatch.model_validate({"forecast_date": forecast}),
        precondition=NO_PRECONDITION,
    )
    # Start-to-start: the successor's go-live may come 5 days after its predecessor's, planned
    # so against the due dates; the month's slip now pushes it past its own date.
    lag = (after["due_date"] - before["due_date"]).days - 5
    data = DependencyCreate(
        predecessor_id=before["id"],
        successor_id=after["id"],
        type="start_to_start",
        lag_days=max(-3650, min(3650, lag)),
        note="WEB-NEXT's storefront reads customer data from the new CRM.",
    )
    await dependencies.create_dependency(conn, principal=ADMIN, data=data)


async def load_raid(conn: AsyncConnection, t: date) -> None:
    await _slipped_dependency(conn)
    for code, title, priority, owner in ISSUES:
        issue = IssueCreate(
            title=title, priority=priority, owner=owner, raised_on=t - timedelta(days=10)
        )
        await issues.create_issue(conn, principal=ADMIN, ref=code, data=issue)
    for code, statement, confidence, status in ASSUMPTIONS:
        made = await assumptions.create_assumption(
            conn,
            principal=ADMIN,
            ref=code,
            data=AssumptionCreate(
                statement=statement,
                confidence=confidence,
                status=status,
                validate_by=t + timedelta(days=30),
            ),
        )
        if status == "invalid":
            await assumptions.raise_from(
                conn,
                principal=ADMIN,
                assumption_id=made["id"],
                data=RaiseBody(kind="issue", title="Depot grid connection delayed"),
            )
