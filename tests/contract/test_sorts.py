"""Each list's `sort` parameter declares exactly the fields its repository sorts by
(`core.listing.sorted_by`), so that every sort the spec allows is taken and no other."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx
from fastapi import FastAPI

from pmo_api.access import service as access
from pmo_api.actions import repository as actions
from pmo_api.assumptions import repository as assumptions
from pmo_api.audit import service as audit
from pmo_api.budget import repository as budget
from pmo_api.change_requests import repository as change_requests
from pmo_api.decisions import repository as decisions
from pmo_api.deletions import repository as deletions
from pmo_api.dependencies import repository as dependencies
from pmo_api.gates import repository as gates
from pmo_api.kpis import repository as kpis
from pmo_api.portfolios import repository as portfolios
from pmo_api.programs import repository as programs
from pmo_api.projects import repository as projects
from pmo_api.quality import repository as quality
from pmo_api.raid_issues import repository as raid_issues
from pmo_api.reports import repository as reports
from pmo_api.resources import allocations, certifications, time_entries
from pmo_api.resources import service as resources
from pmo_api.risks import repository as risks
from pmo_api.schedule import repository as schedule
from pmo_api.templates import repository as templates
from tests.factories import make_project

# The sort table each list's service reads with (core.pagination.parse_sort).
SORTS: dict[str, Mapping[str, Any]] = {
    "api-keys-list": access.SORTS,
    "audit-events-list": audit.SORTS,
    "budget-lines-list": budget.BUDGET_LINE_SORTS,
    "costs-list": budget.COST_SORTS,
    "project-costs-list": budget.COST_SORTS,
    "kpis-list": kpis.SORTS,
    "kpi-measurements-list": kpis.MEASUREMENT_SORTS,
    "portfolios-list": portfolios.PORTFOLIO_SORTS,
    "objectives-list": portfolios.OBJECTIVE_SORTS,
    "programs-list": programs.SORTS,
    "portfolio-programs-list": programs.SORTS,
    "projects-list": projects.SORTS,
    "status-reports-list": reports.SORTS,
    "risks-list": risks.SORTS,
    "project-risks-list": risks.SORTS,
    "gate-reviews-list": gates.SORTS,
    "project-gate-reviews-list": gates.SORTS,
    "quality-reviews-list": quality.REVIEW_SORTS,
    "project-quality-reviews-list": quality.REVIEW_SORTS,
    "quality-findings-list": quality.FINDING_SORTS,
    "quality-review-findings-list": quality.FINDING_SORTS,
    "milestones-list": schedule.MILESTONE_SORTS,
    "milestones-feed": schedule.MILESTONE_SORTS,
    "status-reports-feed": reports.SORTS,
    "progress-list": schedule.PROGRESS_SORTS,
    "deletions-list": deletions.SORTS,
    "roles-list": resources.ROLES.sort_fields(),
    "skills-list": resources.SKILLS.sort_fields(),
    "resources-list": resources.RESOURCES.sort_fields(),
    "skill-levels-list": resources.RESOURCE_SKILLS.sort_fields(),
    "rates-list": resources.RATES.sort_fields(),
    "time-off-list": resources.TIME_OFF.sort_fields(),
    "holidays-list": resources.HOLIDAYS.sort_fields(),
    "allocations-list": allocations.SORTS,
    "project-allocations-list": allocations.SORTS,
    "time-entries-list": time_entries.SORTS,
    "project-time-entries-list": time_entries.SORTS,
    "certifications-list": certifications.CERTIFICATIONS.sort_fields(),
    "certifications-expiring": certifications.EXPIRING_SORTS,
    "methodology-templates-list": templates.SORTS,
    "methodology-template-versions-list": templates.VERSION_SORTS,
    "action-items-list": actions.SORTS,
    "project-action-items-list": actions.SORTS,
    "decisions-list": decisions.SORTS,
    "project-decisions-list": decisions.SORTS,
    "portfolio-decisions-list": decisions.SORTS,
    "change-requests-list": change_requests.SORTS,
    "project-change-requests-list": change_requests.SORTS,
    "dependencies-list": dependencies.SORTS,
    "milestone-dependencies-list": dependencies.SORTS,
    "issues-list": raid_issues.SORTS,
    "project-issues-list": raid_issues.SORTS,
    "assumptions-list": assumptions.SORTS,
    "project-assumptions-list": assumptions.SORTS,
}


def _sortable(app: FastAPI) -> dict[str, tuple[str, list[str]]]:
    """operationId → (path, the names its `sort` pattern takes)."""
    found = {}
    for path, operations in app.openapi()["paths"].items():
        get = operations.get("get", {})
        for parameter in get.get("parameters", []):
            if parameter["name"] == "sort":
                pattern = parameter["schema"]["anyOf"][0]["pattern"]
                names = re.search(r"\(([a-z_|]+)\)", pattern)
                assert names, pattern
                found[get["operationId"]] = (path, names.group(1).split("|"))
    return found


def test_each_list_declares_its_repository_sorts(app: FastAPI) -> None:
    declared = {k: v for k, v in _sortable(app).items() if not k.endswith("-csv")}
    assert declared.keys() == SORTS.keys()
    for operation, (_path, names) in declared.items():
        assert sorted(names) == sorted(SORTS[operation]), operation


async def test_every_declared_sort_is_taken_and_another_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    project = await make_project(client)
    kpi = await client.post(
        "/api/v1/kpis", json={"code": "sorts", "name": "S", "direction": "higher_is_better"}
    )
    assert kpi.status_code == 201, kpi.text
    resource = await client.post("/api/v1/resources", json={"name": "Sorts"})
    assert resource.status_code == 201, resource.text
    template = await client.post(
        "/api/v1/methodology-templates", json={"key": "sorts", "name": "Sorts"}
    )
    assert template.status_code == 201, template.text
    review = await client.post(
        f"/api/v1/projects/{project['code']}/quality-reviews", json={"kind": "audit", "title": "S"}
    )
    assert review.status_code == 201, review.text
    milestone = await client.post(
        f"/api/v1/projects/{project['id']}/milestones", json={"name": "S", "due_date": "2027-01-01"}
    )
    assert milestone.status_code == 201, milestone.text
    ids = {
        "template_id": template.json()["id"],
        "quality_review_id": review.json()["id"],
        "milestone_id": milestone.json()["id"],
        "resource_id": resource.json()["id"],
        "project": project["id"],
        "portfolio_id": project["portfolio_id"],
        "kpi_code": "sorts",
    }
    for operation, (path, names) in _sortable(app).items():
        url = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)
        every = ",".join(f"-{n}" if i % 2 else f" +{n} " for i, n in enumerate(names))
        answer = await client.get(url, params={"sort": every})
        assert answer.status_code == 200, (operation, answer.text)
        unknown = await client.get(url, params={"sort": "nonesuch"})
        assert unknown.status_code == 422, (operation, unknown.text)
