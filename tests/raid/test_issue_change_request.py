"""An issue raises a change request (issue 16): a draft in the issue's project, linked from the
issue, audited, once; over REST and GraphQL."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project, post_created
from tests.gql import gql, outcome


async def _issue(client: httpx.AsyncClient, **fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    portfolio = await make_portfolio(client)
    project = await make_project(client, portfolio["id"], status="active")
    body = {"title": "Crane broke", "priority": "high", "owner": "Ada", **fields}
    issue = await post_created(client, f"/api/v1/projects/{project['code']}/issues", body)
    return project, issue


async def _audit(client: httpx.AsyncClient, object_type: str, object_id: str) -> list[str]:
    response = await client.get(
        "/api/v1/audit-events", params={"object_type": object_type, "object_id": object_id}
    )
    assert response.status_code == 200, response.text
    return [e["action"] for e in response.json()["data"]]


class TestRest:
    async def test_raises_a_linked_draft_once(self, client: httpx.AsyncClient) -> None:
        project, issue = await _issue(client, description="The tower crane's motor failed")
        path = f"/api/v1/issues/{issue['id']}/change-request"
        response = await client.post(path, json={"category": "schedule", "schedule_delta_days": 5})
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"/api/v1/issues/{issue['id']}"
        raised = response.json()
        assert raised["id"] == issue["id"] and raised["version"] == issue["version"] + 1
        change = (await client.get(f"/api/v1/change-requests/{raised['change_request_id']}")).json()
        assert change["project_id"] == project["id"] and change["state"] == "draft"
        assert change["title"] == "Issue: Crane broke"
        assert change["justification"] == (
            f"Raised by issue {issue['id']}: The tower crane's motor failed"
        )
        assert (change["priority"], change["requested_by"]) == ("high", "Ada")
        assert (change["category"], change["schedule_delta_days"]) == ("schedule", 5)
        # Audited: the change request created, the issue updated with the link.
        assert await _audit(client, "change_request", change["id"]) == ["create"]
        assert await _audit(client, "issue", issue["id"]) == ["create", "update"]
        # Once: a second is a conflict, and nothing changes.
        again = await client.post(path, json={"category": "scope"})
        assert_problem(again, 409)
        listed = await client.get(f"/api/v1/projects/{project['code']}/change-requests")
        assert [c["id"] for c in listed.json()["data"]] == [change["id"]]
        # Deleting the draft clears the issue's link (an audited write), so it may raise again.
        etag = (await client.get(f"/api/v1/change-requests/{change['id']}")).headers["ETag"]
        deleted = await client.delete(
            f"/api/v1/change-requests/{change['id']}", headers={"If-Match": etag}
        )
        assert deleted.status_code == 204, deleted.text
        unlinked = (await client.get(f"/api/v1/issues/{issue['id']}")).json()
        assert unlinked["change_request_id"] is None
        assert unlinked["version"] == raised["version"] + 1
        again = await client.post(path, json={"category": "scope", "title": "Replace crane"})
        assert again.status_code == 201, again.text
        second = again.json()["change_request_id"]
        assert second not in (None, change["id"])
        csv = await client.get(
            "/api/v1/issues", params={"format": "csv", "project": project["code"]}
        )
        assert "change_request_id" in csv.text.splitlines()[0] and second in csv.text

    async def test_bad_input_and_scope(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        project, issue = await _issue(client)
        path = f"/api/v1/issues/{issue['id']}/change-request"
        assert_problem(await client.post(path, json={}), 422, loc=["body", "category"])
        assert_problem(
            await client.post(path, json={"category": "scope", "priority": "urgent"}),
            422,
            loc=["body", "priority"],
        )
        foreign = str(uuid.uuid4())
        assert_problem(
            await client.post(
                path, json={"category": "scope", "affected_milestone_ids": [foreign]}
            ),
            422,
            loc=["body", "affected_milestone_ids", 0],
        )
        assert_problem(
            await client.post(
                f"/api/v1/issues/{uuid.uuid4()}/change-request", json={"category": "scope"}
            ),
            404,
        )
        other = await make_portfolio(client)
        limited = await harness.make_key(app, Role.editor, [uuid.UUID(other["id"])])
        viewer = await harness.make_key(app, Role.viewer)
        async with harness.http_client(app, limited) as outsider:
            assert_problem(await outsider.post(path, json={"category": "scope"}), 404)
        async with harness.http_client(app, viewer) as reader:
            assert_problem(await reader.post(path, json={"category": "scope"}), 403)
        # Nothing was raised by the refused calls.
        assert (await client.get(f"/api/v1/issues/{issue['id']}")).json()[
            "change_request_id"
        ] is None
        listed = await client.get(f"/api/v1/projects/{project['code']}/change-requests")
        assert listed.json()["data"] == []


class TestGraphQL:
    async def test_the_mutation_raises_once(self, client: httpx.AsyncClient) -> None:
        project, issue = await _issue(client)
        mutation = f"""mutation($id: ID!) {{ raiseChangeRequestFromIssue(id: $id,
            input: {{category: COST, costDelta: 1200.5, priority: CRITICAL}}) {{
            {outcome("Issue", "id changeRequestId version")} }} }}"""
        first = (await gql(client, mutation, id=issue["id"]))["data"]["raiseChangeRequestFromIssue"]
        assert first["__typename"] == "Issue" and first["changeRequestId"] is not None
        change = (await client.get(f"/api/v1/change-requests/{first['changeRequestId']}")).json()
        assert (change["project_id"], change["category"]) == (project["id"], "cost")
        assert (change["cost_delta"], change["priority"]) == (1200.5, "critical")
        second = (await gql(client, mutation, id=issue["id"]))["data"][
            "raiseChangeRequestFromIssue"
        ]
        assert second["__typename"] == "ConflictError"
        bad = await gql(
            client,
            f"""mutation($id: ID!) {{ raiseChangeRequestFromIssue(id: $id,
                input: {{category: SCOPE, scheduleDeltaDays: 100000}}) {{
                {outcome("Issue", "id")} }} }}""",
            id=issue["id"],
        )
        payload = bad["data"]["raiseChangeRequestFromIssue"]
        assert payload["__typename"] == "ValidationFailed"
        assert [e["loc"] for e in payload["errors"]] == [["input", "scheduleDeltaDays"]]
        read = await gql(client, f'{{ issue(id: "{issue["id"]}") {{ changeRequestId }} }}')
        assert read["data"]["issue"]["changeRequestId"] == first["changeRequestId"]
