"""The RAID views: a project's four registers in one answer, and a portfolio's or a
programme's as one table (the steering committee pack's CSV). They read through each
register's own list service, so they show exactly what those lists show the caller (a
dependency's hidden end included)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.assumptions import service as assumptions
from pmo_api.core.listing import Listing
from pmo_api.dependencies import service as dependencies
from pmo_api.portfolios.service import visible_portfolio
from pmo_api.programs.service import visible_program
from pmo_api.projects.models import Grouping
from pmo_api.projects.service import visible_project
from pmo_api.raid_issues import service as issues
from pmo_api.risks import service as risks

# Rows of each register a view shows at most (a register beyond it is for the lists, paged).
RAID_LIMIT = 1000


async def _rows(
    conn: AsyncConnection, listing: Listing, render: Callable[[Mapping[Any, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    stmt = listing.stmt.order_by(*listing.sort.order_by()).limit(RAID_LIMIT)
    return [render(row) for row in (await conn.execute(stmt)).mappings().all()]


async def project_raid(conn: AsyncConnection, principal: Principal, ref: str) -> dict[str, Any]:
    project = await visible_project(conn, principal, ref)
    code = project["code"]
    deps = await _rows(
        conn,
        await dependencies.list_dependencies(
            conn, principal, dependencies.DependencyFilter(projects=(str(project["id"]),))
        ),
        dependencies.dependency_json,
    )
    return {
        "project_id": project["id"],
        "code": code,
        "risks": await _rows(
            conn,
            await risks.list_risks(conn, principal, risks.RiskFilter(project=code)),
            risks.risk_json,
        ),
        "assumptions": await _rows(
            conn,
            await assumptions.list_assumptions(
                conn, principal, assumptions.AssumptionFilter(project=code)
            ),
            assumptions.assumption_json,
        ),
        "issues": await _rows(
            conn,
            await issues.list_issues(conn, principal, issues.IssueFilter(project=code)),
            issues.issue_json,
        ),
        "dependencies": {
            "incoming": [d for d in deps if d["successor"].get("project_id") == project["id"]],
            "outgoing": [d for d in deps if d["predecessor"].get("project_id") == project["id"]],
        },
    }


def _end_name(end: Mapping[str, Any]) -> str:
    if end["hidden"]:
        return "(hidden)"
    return f"{end['project_code']}: {end['name']}"


async def portfolio_raid(
    conn: AsyncConnection, principal: Principal, portfolio_id: uuid.UUID
) -> dict[str, Any]:
    """The portfolio's four registers as one table, register by register."""
    await visible_portfolio(conn, principal, portfolio_id)
    rows = await raid_rows(conn, principal, Grouping.PORTFOLIO, portfolio_id)
    return {"portfolio_id": portfolio_id, "data": rows}


async def program_raid(
    conn: AsyncConnection, principal: Principal, program_id: uuid.UUID
) -> dict[str, Any]:
    """The programme's four registers as one table: the portfolio's over its projects."""
    program = await visible_program(conn, principal, program_id)
    rows = await raid_rows(conn, principal, Grouping.PROGRAM, program_id)
    return {"program_id": program_id, "portfolio_id": program["portfolio_id"], "data": rows}


async def raid_rows(
    conn: AsyncConnection, principal: Principal, group: Grouping, group_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The four registers of a portfolio's or programme's projects (`group`; the caller has
    checked it may see it) as one table, register by register, each through its own list (a
    dependency when either visible end is in the group)."""
    in_portfolio = group is Grouping.PORTFOLIO
    portfolio_ids, program_ids = ((group_id,), ()) if in_portfolio else ((), (group_id,))
    rows: list[dict[str, Any]] = []
    for r in await _rows(
        conn,
        await risks.list_risks(
            conn, principal, risks.RiskFilter(portfolio_ids=portfolio_ids, program_ids=program_ids)
        ),
        risks.risk_json,
    ):
        rows.append(
            {
                "kind": "risk",
                "id": r["id"],
                "project_code": r["project_code"],
                "title": r["title"],
                "status": r["status"],
                "rating": r["severity"],
                "owner": r["owner"],
                "due": r["review_date"],
            }
        )
    for a in await _rows(
        conn,
        await assumptions.list_assumptions(
            conn,
            principal,
            assumptions.AssumptionFilter(portfolio_ids=portfolio_ids, program_ids=program_ids),
        ),
        assumptions.assumption_json,
    ):
        rows.append(
            {
                "kind": "assumption",
                "id": a["id"],
                "project_code": a["project_code"],
                "title": a["statement"],
                "status": a["status"],
                "rating": a["confidence"],
                "owner": a["owner"],
                "due": a["validate_by"],
            }
        )
    for i in await _rows(
        conn,
        await issues.list_issues(
            conn,
            principal,
            issues.IssueFilter(portfolio_ids=portfolio_ids, program_ids=program_ids),
        ),
        issues.issue_json,
    ):
        rows.append(
            {
                "kind": "issue",
                "id": i["id"],
                "project_code": i["project_code"],
                "title": i["title"],
                "status": i["status"],
                "rating": i["priority"],
                "owner": i["owner"],
                "due": i["target_resolution_on"],
            }
        )
    for d in await _rows(
        conn,
        await dependencies.list_dependencies(
            conn,
            principal,
            dependencies.DependencyFilter(portfolio_ids=portfolio_ids, program_ids=program_ids),
        ),
        dependencies.dependency_json,
    ):
        successor = d["successor"]
        rows.append(
            {
                "kind": "dependency",
                "id": d["id"],
                "project_code": None if successor["hidden"] else successor["project_code"],
                "title": f"{_end_name(d['predecessor'])} → {_end_name(successor)}",
                "status": "at_risk" if d["at_risk"] else "on_track",
                "rating": "hard" if d["hard"] else "soft",
                "owner": None,
                "due": d["pushed_to"],
            }
        )
    return rows
