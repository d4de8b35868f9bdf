"""What the GraphQL suites of milestones, budget lines, costs, progress and earned value share
(schedule/, budget/, evm/, and the access and batching suites that use them): a planned project
built through REST, the fields GraphQL selects, and REST bodies as GraphQL shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.factories import make_project

JAN = {"start_date": "2026-01-01", "finish_date": "2026-03-31"}

MILESTONE = (
    "id projectId name description dueDate forecastDate completedOn weight isGate gateKey status "
    "createdAt updatedAt version"
)
BUDGET_LINE = "id projectId baseline period category amount createdAt updatedAt version"
COST = (
    "id projectId projectCode portfolioId incurredOn amount currency category description "
    "externalRef createdAt updatedAt version"
)
PROGRESS = "id projectId asOf percentComplete note createdAt updatedAt version"
FIGURES = (
    "bac pv ev ac cv sv cvPercent svPercent cpi spi eac eacAtypical eacComposite etc vac tcpi "
    "percentComplete percentSpent"
)
EVM = f"{FIGURES} asOf atDays esDays spiT svTDays forecastFinish"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


_TIMESTAMPS = {"created_at", "updated_at", "createdAt", "updatedAt"}


def as_graphql(value: Any) -> Any:
    """A REST body as GraphQL shows it: camelCase names, enum values in capitals, timestamps
    parsed (the two render the same instant differently)."""
    if isinstance(value, list):
        return [as_graphql(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in _TIMESTAMPS:
            item = datetime.fromisoformat(item)
        elif key == "status" and isinstance(item, str):
            item = item.upper()
        else:
            item = as_graphql(item)
        out[_camel(key)] = item
    return out


def parsed(value: Any) -> Any:
    """A GraphQL answer with its timestamps parsed, to compare with as_graphql(REST)."""
    if isinstance(value, list):
        return [parsed(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        k: datetime.fromisoformat(v) if k in _TIMESTAMPS and v else parsed(v)
        for k, v in value.items()
    }


def without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in names}


async def send(
    client: httpx.AsyncClient, method: str, path: str, body: Any, status: int = 201
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


async def planned_project(
    client: httpx.AsyncClient, portfolio_id: str | None = None, *, costs: int = 3
) -> dict[str, Any]:
    """A project over Q1 2026 with a baseline, two milestones (one completed), costs and a
    progress record."""
    project = await make_project(client, portfolio_id, **JAN)
    base = f"/api/v1/projects/{project['code']}"
    await send(
        client,
        "PUT",
        f"{base}/budget-lines",
        {
            "lines": [
                {"period": "2026-01", "category": "labor", "amount": 300},
                {"period": "2026-02", "category": "labor", "amount": 300},
                {"period": "2026-03", "category": "kit", "amount": 400.5},
            ]
        },
        200,
    )
    milestone = {"name": "design", "due_date": "2026-01-20", "completed_on": "2026-01-25"}
    await send(client, "POST", f"{base}/milestones", milestone)
    await send(
        client,
        "POST",
        f"{base}/milestones",
        {"name": "build", "due_date": "2026-03-15", "weight": 2.5, "is_gate": True},
    )
    for i in range(costs):
        cost = {
            "incurred_on": f"2026-0{1 + i % 3}-1{i % 10}",
            "amount": 100.25 + i,
            "category": "labor" if i % 2 else "kit",
            "external_ref": f"INV-{i}",
        }
        await send(client, "POST", f"{base}/costs", cost)
    await send(client, "POST", f"{base}/progress", {"as_of": "2026-01-31", "percent_complete": 30})
    return project
