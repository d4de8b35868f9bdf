"""Rules for the issue log. Services receive the transaction and never commit. Every write
recounts the project's open critical and high issues (project_finance), which health reads
when PMO_HEALTH_ISSUES is on.

An issue raised from a risk (`risk_id`) needs a risk of the same project whose status is
`occurred` and that has not become an issue yet; the risk records the link (`issue_id`, an
audited write of the risk in the same transaction). Deleting the issue clears it.

An issue may raise one change request (`raise_change_request`): a draft in its project, linked
from the issue (`change_request_id`), both written in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.change_requests.schemas import ChangeRequestCreate
from pmo_api.change_requests.service import create_change_request
from pmo_api.core.clock import today
from pmo_api.core.crud import delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, NotFound, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, filter_of, narrowing
from pmo_api.evm import aggregates
from pmo_api.evm.models import project_finance
from pmo_api.projects.children import child_to_write, update_child
from pmo_api.projects.service import visible_project, within_project
from pmo_api.raid_issues import repository as repo
from pmo_api.raid_issues.models import raid_issues
from pmo_api.raid_issues.schemas import IssueCreate, IssueListParams, IssuePatch, RaiseChangeBody
from pmo_api.risks.models import risks
from pmo_api.risks.service import visible_risk


@dataclass(frozen=True)
class IssueFilter:
    project: str | None = None
    portfolio_ids: tuple[uuid.UUID, ...] = ()
    program_ids: tuple[uuid.UUID, ...] = ()
    projects: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(
        cls,
        params: IssueListParams,
        *,
        since_at: str = "updated_since",
        project: str | None = None,
    ) -> IssueFilter:
        return filter_of(cls, params, since_at=since_at, project=project)


async def list_issues(
    conn: AsyncConnection, principal: Principal, filter: IssueFilter, *, sort: str | None = None
) -> Listing:
    """The issues the caller may see that match `filter`: the feed, a project's log, CSV and
    GraphQL alike."""
    stmt = repo.presented(principal)
    stmt = await within_project(conn, principal, stmt, raid_issues.c.project_id, filter.project)
    stmt = repo.filtered(stmt, **narrowing(filter, "project"))
    return Listing(stmt, repo.sort_of(sort))


def issue_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: row[name] for name in repo.FIELDS}


async def visible_issue(
    conn: AsyncConnection, principal: Principal, object_id: uuid.UUID
) -> RowMapping:
    return found(await repo.get(conn, principal, object_id), f"issue {object_id}")


async def refresh_issues(conn: AsyncConnection, project_ids: Sequence[uuid.UUID]) -> None:
    """Recount the open critical and high issues of these projects (after an issue write)."""
    await aggregates.refresh_risks(conn, project_ids)  # makes sure their rows exist
    await conn.execute(
        update(project_finance)
        .where(project_finance.c.project_id.in_(project_ids))
        .values(**repo.open_counts())
    )


async def _occurred_risk(
    conn: AsyncConnection, principal: Principal, project_id: uuid.UUID, risk_id: uuid.UUID
) -> RowMapping:
    try:
        risk = await visible_risk(conn, principal, risk_id)
    except NotFound as missing:
        raise Invalid.field(
            ["body", "risk_id"], f"risk {risk_id} does not exist", "not_found"
        ) from missing
    if risk["project_id"] != project_id:
        raise Invalid.field(
            ["body", "risk_id"], "the risk belongs to another project", "value_error"
        )
    if risk["status"] != "occurred":
        raise Conflict(f"risk {risk_id} has not occurred (status {risk['status']})")
    stored = (await conn.execute(select(risks).where(risks.c.id == risk_id))).mappings().one()
    if stored["issue_id"] is not None:
        raise Conflict(f"risk {risk_id} already became issue {stored['issue_id']}")
    return stored


async def insert_issue(
    conn: AsyncConnection,
    principal: Principal,
    project_id: uuid.UUID,
    values: dict[str, Any],
) -> uuid.UUID:
    """Write a new issue of a locked project (and the link on its risk): the step that
    `create_issue` and an assumption's raise share."""
    risk = None
    if values.get("risk_id") is not None:
        risk = await _occurred_risk(conn, principal, project_id, values["risk_id"])
    values = {"project_id": project_id, **values, "raised_on": values.get("raised_on") or today()}
    if (
        values["target_resolution_on"] is not None
        and values["target_resolution_on"] < values["raised_on"]
    ):
        raise Invalid.field(
            ["body", "target_resolution_on"],
            "target_resolution_on is before raised_on",
            "date_order",
        )
    new = await insert_row(conn, raid_issues, values, actor=principal)
    if risk is not None:
        await update_row(conn, risks, risk, {"issue_id": new}, actor=principal)
    await refresh_issues(conn, [project_id])
    return new


async def create_issue(
    conn: AsyncConnection, *, principal: Principal, ref: str, data: IssueCreate
) -> RowMapping:
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    new = await insert_issue(conn, principal, project["id"], data.model_dump())
    return await visible_issue(conn, principal, new)


async def update_issue(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: IssuePatch,
    precondition: Precondition,
) -> RowMapping:
    current = await child_to_write(conn, principal, object_id, visible_issue, precondition)
    changes = patch.changes()
    merged = {**current, **changes}
    target, raised = merged["target_resolution_on"], merged["raised_on"]
    if target is not None and target < raised:
        raise Invalid.field(
            ["body", "target_resolution_on"],
            "target_resolution_on is before raised_on",
            "date_order",
        )
    return await update_child(
        conn, principal, raid_issues, current, changes, visible_issue, refresh=refresh_issues
    )


async def delete_issue(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> None:
    current = await child_to_write(conn, principal, object_id, visible_issue, precondition)
    linked = (
        (await conn.execute(select(risks).where(risks.c.issue_id == object_id))).mappings().all()
    )
    for risk in linked:  # at most one: a risk becomes one issue
        await update_row(conn, risks, risk, {"issue_id": None}, actor=principal)
    await delete_row(conn, raid_issues, current, actor=principal)
    await refresh_issues(conn, [current["project_id"]])


def _raised_title(title: str) -> str:
    return f"Issue: {title}"[:200]


async def raise_change_request(
    conn: AsyncConnection, *, principal: Principal, issue_id: uuid.UUID, data: RaiseChangeBody
) -> RowMapping:
    """A draft change request raised by an issue, in the issue's project, linked from it
    (`change_request_id`), in the caller's transaction (editor); 409 when the issue has
    already raised one."""
    current = await child_to_write(conn, principal, issue_id, visible_issue, Precondition())
    if current["change_request_id"] is not None:
        raise Conflict(
            f"issue {issue_id} already raised change request {current['change_request_id']}"
        )
    reason = current["description"] or current["title"]
    values = data.model_dump()
    values |= {
        "title": data.title or _raised_title(current["title"]),
        "justification": data.justification or f"Raised by issue {issue_id}: {reason}"[:20_000],
        "priority": data.priority or current["priority"],
        "requested_by": data.requested_by or current["owner"],
    }
    made = await create_change_request(
        conn,
        principal=principal,
        ref=str(current["project_id"]),
        data=ChangeRequestCreate.model_validate(values),
    )
    await update_row(conn, raid_issues, current, {"change_request_id": made["id"]}, actor=principal)
    return await visible_issue(conn, principal, issue_id)
