"""Action items over REST and GraphQL: completion follows the status, the overdue filter at its
boundary (due today is not overdue), the feed's filters and CSV, audit events, and the service
function other domains call inside their own transaction."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from pmo_api.access.principal import Principal, Role
from pmo_api.actions import service
from pmo_api.actions.schemas import ActionItemCreate
from tests.factories import assert_problem, make_portfolio, make_project
from tests.gql import gql, outcome


def _today() -> datetime:
    return datetime.now(UTC)


def _day(offset: int) -> str:
    return (_today().date() + timedelta(days=offset)).isoformat()


async def _item(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "Send the minutes", **fields}
    response = await client.post(f"/api/v1/projects/{code}/action-items", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


class TestWrites:
    async def test_create_get_patch_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        item = await _item(
            client, project["code"], owner="Ana", due_date="2026-03-01", source="meeting"
        )
        assert (item["status"], item["source"], item["owner"]) == ("open", "meeting", "Ana")
        assert item["completed_on"] is None and item["source_id"] is None
        assert item["project_code"] == project["code"] and item["version"] == 1
        path = f"/api/v1/action-items/{item['id']}"
        assert (await client.get(path)).json() == item

        done = await client.patch(path, json={"status": "done"}, headers={"If-Match": '"1"'})
        assert done.status_code == 200, done.text
        assert done.json()["completed_on"] == _today().date().isoformat()
        reopened = (await client.patch(path, json={"status": "in_progress"})).json()
        assert reopened["completed_on"] is None and reopened["version"] == 3

        stale = await client.patch(path, json={"title": "x"}, headers={"If-Match": '"1"'})
        assert_problem(stale, 412)
        fixed = await client.patch(path, json={"source": "finding"})
        assert_problem(fixed, 422, loc=["body", "source"])
        assert (await client.delete(path)).status_code == 204
        assert_problem(await client.get(path), 404)

    async def test_created_done_has_completed_on(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        item = await _item(client, project["code"], status="done")
        assert item["completed_on"] == _today().date().isoformat()

    async def test_bad_input_names_the_field(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/action-items"
        for body, loc in (
            ({"title": ""}, ["body", "title"]),
            ({"title": "x", "status": "late"}, ["body", "status"]),
            ({"title": "x", "source": "email"}, ["body", "source"]),
            ({"title": "x", "due_date": "2026-02-30"}, ["body", "due_date"]),
            ({"title": "x", "source_id": "nope"}, ["body", "source_id"]),
        ):
            assert_problem(await client.post(path, json=body), 422, loc=loc)
        assert (await client.get(path)).json()["data"] == []
        missing = await client.post("/api/v1/projects/NOPE-1/action-items", json={"title": "x"})
        assert_problem(missing, 404)

    async def test_audit_events(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        item = await _item(client, project["code"])
        await client.patch(f"/api/v1/action-items/{item['id']}", json={"status": "done"})
        await client.delete(f"/api/v1/action-items/{item['id']}")
        events = (
            await client.get(
                "/api/v1/audit-events", params={"object_type": "action_item", "limit": 500}
            )
        ).json()["data"]
        mine = [e for e in events if e["object_id"] == item["id"]]
        assert sorted(e["action"] for e in mine) == ["create", "delete", "update"]
        update = next(e for e in mine if e["action"] == "update")
        assert update["after"]["status"] == "done" and update["before"]["status"] == "open"


class TestLists:
    async def test_overdue_boundary_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        a = await make_project(client, portfolio["id"])
        b = await make_project(client, portfolio["id"])
        elsewhere = await make_project(client)
        late = await _item(client, a["code"], title="late", due_date=_day(-1), owner="Ana")
        today = await _item(client, a["code"], title="today", due_date=_day(0))
        await _item(client, a["code"], title="late but done", due_date=_day(-5), status="done")
        await _item(
            client, b["code"], title="late, cancelled", due_date=_day(-5), status="cancelled"
        )
        started = await _item(
            client, b["code"], title="started", due_date=_day(-30), status="in_progress"
        )
        await _item(client, b["code"], title="undated")
        await _item(client, elsewhere["code"], title="elsewhere", due_date=_day(-3))

        feed = "/api/v1/action-items"
        mine = {"portfolio_id": portfolio["id"]}
        overdue = (await client.get(feed, params={**mine, "overdue": "true"})).json()["data"]
        # Due yesterday and open, due a month ago and in progress: overdue; due today is not.
        assert sorted(i["title"] for i in overdue) == ["late", "started"]
        assert all(i["overdue"] for i in overdue)
        on_time = (await client.get(feed, params={**mine, "overdue": "false"})).json()["data"]
        assert len(on_time) == 4 and not any(i["overdue"] for i in on_time)
        assert (await client.get(f"{feed}/{today['id']}")).json()["overdue"] is False
        assert (await client.get(f"{feed}/{late['id']}")).json()["overdue"] is True

        before = await client.get(feed, params={**mine, "due_before": _day(-1)})
        assert sorted(i["title"] for i in before.json()["data"]) == [
            "late but done",
            "late, cancelled",
            "started",
        ]
        by_owner = await client.get(feed, params={"owner": "Ana", **mine})
        assert [i["id"] for i in by_owner.json()["data"]] == [late["id"]]
        by_project = await client.get(feed, params={"project": [b["id"], "NOPE-9"]})
        assert len(by_project.json()["data"]) == 3
        sorted_due = await client.get(
            f"/api/v1/projects/{b['code']}/action-items", params={"sort": "due_date"}
        )
        assert sorted_due.json()["data"][0]["id"] == started["id"]
        text = (await client.get(feed, params={**mine, "format": "csv", "status": "open"})).text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sorted(r["title"] for r in rows) == ["late", "today", "undated"]
        overdue_cells = {r["title"]: r["overdue"] for r in rows}
        assert overdue_cells["late"] != overdue_cells["today"]
        assert_problem(
            await client.get(feed, params={"overdue": "maybe"}), 422, loc=["query", "overdue"]
        )
        assert_problem(await client.get(feed, params={"status": "late"}), 422)


class TestGraphQL:
    async def test_nested_root_and_mutations(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        code = project["code"]
        fields = "id title status source overdue completedOn projectCode"
        made = await gql(
            client,
            f"""mutation($p: String!) {{ createActionItem(project: $p, input: {{title: "Call",
                dueDate: "{_day(-2)}", source: MEETING}})
                {{ {outcome("ActionItem", fields)} }} }}""",
            p=code,
        )
        item = made["data"]["createActionItem"]
        assert item["__typename"] == "ActionItem" and item["overdue"] is True, made
        updated = await gql(
            client,
            f"""mutation($id: ID!) {{ updateActionItem(id: $id, patch: {{status: DONE}})
                {{ {outcome("ActionItem", fields)} }} }}""",
            id=item["id"],
        )
        assert updated["data"]["updateActionItem"]["completedOn"] == _today().date().isoformat()
        read = await gql(
            client,
            """query($c: String!) { project(code: $c) { actionItems(filter: {status: [DONE]})
                 { nodes { id status } } }
                 actionItems(filter: {project: [$c]}) { nodes { id } } }""",
            c=code,
        )
        assert read["data"]["project"]["actionItems"]["nodes"] == [
            {"id": item["id"], "status": "DONE"}
        ]
        assert read["data"]["actionItems"]["nodes"] == [{"id": item["id"]}]
        gone = await gql(
            client,
            "mutation($id: ID!) { deleteActionItem(id: $id) { __typename } }",
            id=item["id"],
        )
        assert gone["data"]["deleteActionItem"]["__typename"] == "Deleted"


class TestServiceForOtherDomains:
    async def test_source_given_by_the_caller(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        review_id = uuid.uuid4()
        principal = Principal(key_id="local", name="test", role=Role.admin, portfolio_ids=None)
        async with app.state.db.write() as conn:
            row = await service.create_action_item(
                conn,
                principal=principal,
                ref=project["id"],
                data=ActionItemCreate(title="Fix the plan", owner="Bo", due_date=_day(10)),
                source="gate_condition",
                source_id=review_id,
            )
        assert row["source"] == "gate_condition" and row["source_id"] == review_id
        listed = await client.get(
            "/api/v1/action-items", params={"source": "gate_condition", "project": project["code"]}
        )
        assert [i["source_id"] for i in listed.json()["data"]] == [str(review_id)]
