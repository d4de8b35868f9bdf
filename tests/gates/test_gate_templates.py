"""A gate review of a project made from a methodology template: the gate named by its
`gate_key`, the criteria defaulted from the gate's definition in the project's template version
(a later version changes nothing), and given criteria kept as given."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import assert_problem, make_portfolio, make_project, post_created
from tests.templates.helpers import TEMPLATES, make_template, stage_gate


async def _project_from(client: httpx.AsyncClient, template: dict[str, Any]) -> dict[str, Any]:
    portfolio = await make_portfolio(client)
    body = {
        "code": f"G-{uuid.uuid4().hex[:6].upper()}",
        "portfolio_id": portfolio["id"],
        "name": "Gated",
        "status": "active",
        "template_id": template["id"],
        "start_date": "2026-03-02",
    }
    return await post_created(client, "/api/v1/projects/from-template", body)


class TestCriteriaFromTheTemplate:
    async def test_by_gate_key_with_the_templates_criteria(self, client: httpx.AsyncClient) -> None:
        template = await make_template(client)
        project = await _project_from(client, template)
        newer = stage_gate(name="v2")
        del newer["key"]
        newer["gates"] = [{"key": "g1", "name": "Design gate"}, {"key": "g2", "name": "Release"}]
        await post_created(client, f"{TEMPLATES}/{template['id']}/versions", newer)
        path = f"/api/v1/projects/{project['code']}/gate-reviews"
        review = await post_created(client, path, {"gate_key": "g1"})
        gate = next(m for m in project["milestones"] if m["gate_key"] == "g1")
        assert review["milestone_id"] == gate["id"]
        assert [(c["key"], c["text"], c["level"], c["result"]) for c in review["criteria"]] == [
            ("spec", "Specification signed", "must", None),
            ("risks", "Risks reviewed", "should", None),
        ]  # version 1's, which the project records
        # The must criterion has no result yet: deciding needs an override.
        refused = await client.post(
            f"/api/v1/gate-reviews/{review['id']}/decision", json={"decision": "go"}
        )
        assert_problem(refused, 422, loc=["body", "override"])
        release = next(m for m in project["milestones"] if m["gate_key"] == "g2")
        given = [{"text": "Release notes", "level": "should"}]
        other = await post_created(client, path, {"milestone_id": release["id"], "criteria": given})
        assert [c["text"] for c in other["criteria"]] == ["Release notes"]
        again = await client.post(path, json={"gate_key": "g2"})
        assert_problem(again, 409)  # the release gate has its open review

    async def test_naming_the_gate(self, client: httpx.AsyncClient) -> None:
        template = await make_template(client)
        project = await _project_from(client, template)
        path = f"/api/v1/projects/{project['code']}/gate-reviews"
        gate = next(m for m in project["milestones"] if m["gate_key"] == "g1")
        both = await client.post(path, json={"gate_key": "g1", "milestone_id": gate["id"]})
        assert_problem(both, 422, loc=["body", "milestone_id"])
        assert_problem(await client.post(path, json={}), 422, loc=["body", "milestone_id"])
        unknown = await client.post(path, json={"gate_key": "nope"})
        assert_problem(unknown, 422, loc=["body", "gate_key"])

    async def test_no_template_no_criteria(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        gate = await post_created(
            client,
            f"/api/v1/projects/{project['code']}/milestones",
            {"name": "Gate", "due_date": "2026-03-31", "is_gate": True},
        )
        review = await post_created(
            client,
            f"/api/v1/projects/{project['code']}/gate-reviews",
            {"milestone_id": gate["id"]},
        )
        assert review["criteria"] == []
