"""What the GraphQL suites of risks, KPIs, status reports and the portfolio views share (risks/,
kpis/, reports/, portfolio_views/, and the access and batching suites that use them): a worked
project built through REST, the fields GraphQL selects, and REST bodies as GraphQL shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.factories import make_project

JAN = {"start_date": "2026-01-01", "finish_date": "2026-01-10"}

RISK = (
    "id projectId projectCode portfolioId title description category probability impact score "
    "severity costImpact expectedValue currency response mitigationPlan contingencyPlan owner "
    "status reviewDate trigger issueId createdAt updatedAt version"
)
KPI = (
    "id code name description unit direction target amberThreshold redThreshold computed "
    "appliesTo createdAt updatedAt version"
)
MEASUREMENT = (
    "id projectId kpiCode measuredOn value status target varianceToTarget note createdAt "
    "updatedAt version"
)
PROJECT_KPI = "kpiCode name unit direction computed value measuredOn status target varianceToTarget"
REPORT = (
    "id projectId periodEnd overall schedule cost scope summary accomplishments issues "
    "nextSteps recommendations state snapshot publishedAt createdAt updatedAt version"
)
RESOURCE_KPI_VALUE = "resourceId resourceName roleId kpiCode measuredOn value status"
KPI_VALUE = "portfolioId projectId projectCode kpiCode measuredOn value status computed updatedAt"
FIGURES = (
    "bac pv ev ac cv sv cvPercent svPercent cpi spi eac eacAtypical eacComposite etc vac tcpi "
    "percentComplete percentSpent"
)
MILESTONE = (
    "id projectId name description dueDate forecastDate completedOn weight isGate gateKey status "
    "createdAt updatedAt version"
)
SUMMARY = f"""portfolioId asOf currency
  projects {{ total byStatus {{ proposed approved active onHold completed cancelled }}
              byHealth {{ green amber red }} }}
  budgetTotal actualTotal evm {{ {FIGURES} }} topRisks {{ {RISK} }}
  milestonesDue {{ {MILESTONE} projectCode }} milestonesDueCount"""
MATRIX = "portfolioId currency cells { probability impact count } openRisks expectedValue"

# REST fields whose values GraphQL shows as enums (in capitals); a snapshot is JSON, left alone.
_ENUMS = {
    "status",
    "severity",
    "response",
    "direction",
    "applies_to",
    "state",
    "overall",
    "schedule",
    "cost",
    "scope",
}
_TIMESTAMPS = {"created_at", "updated_at", "published_at"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def as_graphql(value: Any) -> Any:
    """A REST body as GraphQL shows it: camelCase names, enum values in capitals, timestamps
    parsed (the two render the same instant differently)."""
    if isinstance(value, list):
        return [as_graphql(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in _TIMESTAMPS and item is not None:
            item = datetime.fromisoformat(item)
        elif key in _ENUMS and isinstance(item, str):
            item = item.upper()
        elif key != "snapshot":
            item = as_graphql(item)
        out[_camel(key)] = item
    return out


def parsed(value: Any) -> Any:
    """A GraphQL answer with its timestamps parsed, to compare with as_graphql(REST)."""
    if isinstance(value, list):
        return [parsed(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in {"createdAt", "updatedAt", "publishedAt"} and item:
            out[key] = datetime.fromisoformat(item)
        elif key == "snapshot" or key == "__typename":
            out[key] = item
        else:
            out[key] = parsed(item)
    return {k: v for k, v in out.items() if k != "__typename"}


async def send(
    client: httpx.AsyncClient, method: str, path: str, body: Any = None, status: int = 201
) -> dict[str, Any]:
    response = await client.request(method, path, json=body)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def get_json(client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def make_kpi(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"code": code, "name": code, "direction": "higher_is_better", **fields}
    return await send(client, "POST", "/api/v1/kpis", body)


async def worked_project(
    client: httpx.AsyncClient, portfolio_id: str | None = None
) -> dict[str, Any]:
    """BAC 1,000.00 over 1-10 Jan 2026: milestones (one completed late), costs, three risks
    (open, mitigating, closed), two measurements of `happiness` and a draft status report."""
    if (await client.get("/api/v1/kpis/happiness")).status_code == 404:
        await make_kpi(client, "happiness", amber_threshold=7, red_threshold=5, target=8)
    project = await make_project(client, portfolio_id, budget=1000, **JAN)
    base = f"/api/v1/projects/{project['code']}"
    for body in (
        {"name": "a", "due_date": "2026-01-04", "completed_on": "2026-01-04"},
        {"name": "b", "due_date": "2026-01-03", "completed_on": "2026-01-05"},
        {"name": "c", "due_date": "2026-01-10", "weight": 2, "is_gate": True},
    ):
        await send(client, "POST", f"{base}/milestones", body)
    for on, amount in (("2026-01-02", 100), ("2026-01-04", 200)):
        await send(client, "POST", f"{base}/costs", {"incurred_on": on, "amount": amount})
    for title, p, i, status in (
        ("supplier", 3, 2, "open"),
        ("staff", 5, 4, "mitigating"),
        ("weather", 2, 2, "closed"),
    ):
        risk = {
            "title": title,
            "probability": p,
            "impact": i,
            "status": status,
            "cost_impact": 1000,
            "response": "mitigate",
        }
        await send(client, "POST", f"{base}/risks", risk)
    path = f"{base}/kpis/happiness/measurements"
    await send(client, "POST", path, {"measured_on": "2026-01-02", "value": 9})
    await send(client, "POST", path, {"measured_on": "2026-01-04", "value": 6})
    await send(client, "POST", f"{base}/status-reports", {"period_end": "2026-01-04"})
    return project
