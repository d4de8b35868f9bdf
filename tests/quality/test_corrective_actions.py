"""A finding's corrective action is an action item (source `finding`), written through the
actions service in the finding's transaction: made with the finding, changed with it, gone
with it; a failure leaves neither."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pmo_api.quality import corrective
from tests.factories import assert_problem, make_project, post_created


async def _finding(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    project = await make_project(client)
    review = await post_created(
        client,
        f"/api/v1/projects/{project['code']}/quality-reviews",
        {"kind": "peer_review", "title": "Design review"},
    )
    body = {"severity": "medium", "description": "Interfaces undocumented\nsecond line", **fields}
    return await post_created(client, f"/api/v1/quality-reviews/{review['id']}/findings", body)


async def _item(client: httpx.AsyncClient, item_id: str) -> httpx.Response:
    return await client.get(f"/api/v1/action-items/{item_id}")


class TestCorrectiveAction:
    async def test_made_with_the_finding(self, client: httpx.AsyncClient) -> None:
        finding = await _finding(client, action_owner="Grace", action_due_date="2026-04-01")
        assert (finding["action_owner"], finding["action_due_date"]) == ("Grace", "2026-04-01")
        assert finding["action_status"] == "open"
        item = (await _item(client, finding["action_item_id"])).json()
        assert (item["source"], item["source_id"]) == ("finding", finding["id"])
        assert (item["owner"], item["due_date"], item["status"]) == ("Grace", "2026-04-01", "open")
        assert item["project_id"] == finding["project_id"]
        assert item["title"] == "Corrective action: Interfaces undocumented"

    async def test_changed_with_the_finding(self, client: httpx.AsyncClient) -> None:
        finding = await _finding(client)
        path = f"/api/v1/quality-findings/{finding['id']}"
        response = await client.patch(
            path,
            json={"action_status": "done", "action_owner": "Linus", "description": "Fixed docs"},
            headers={"If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["action_status"], body["action_owner"]) == ("done", "Linus")
        item = (await _item(client, finding["action_item_id"])).json()
        assert (item["status"], item["owner"]) == ("done", "Linus")
        assert item["completed_on"] is not None
        assert item["title"] == "Corrective action: Fixed docs"
        # Only the corrective action changes: the finding's own version stays.
        only = await client.patch(path, json={"action_status": "in_progress"})
        assert only.json()["action_status"] == "in_progress"
        assert_problem(await client.patch(path, json={"action_status": None}), 422)
        assert_problem(await client.patch(path, json={"action_status": "later"}), 422)

    async def test_gone_with_the_finding(self, client: httpx.AsyncClient) -> None:
        finding = await _finding(client)
        response = await client.delete(f"/api/v1/quality-findings/{finding['id']}")
        assert response.status_code == 204
        assert_problem(await _item(client, finding["action_item_id"]), 404)

    async def test_deleted_by_hand_then_made_again(self, client: httpx.AsyncClient) -> None:
        finding = await _finding(client)
        assert (
            await client.delete(f"/api/v1/action-items/{finding['action_item_id']}")
        ).status_code == 204
        path = f"/api/v1/quality-findings/{finding['id']}"
        shown = (await client.get(path)).json()
        assert (shown["action_item_id"], shown["action_status"]) == (None, None)
        again = (await client.patch(path, json={"action_owner": "Ada"})).json()
        assert again["action_item_id"] not in (None, finding["action_item_id"])
        assert (again["action_owner"], again["action_status"]) == ("Ada", "open")

    async def test_open_filter(self, client: httpx.AsyncClient) -> None:
        todo = await _finding(client)
        done = await _finding(client, action_status="done")
        cancelled = await _finding(client, action_status="cancelled")
        going = await _finding(client, action_status="in_progress")
        projects = [f["project_id"] for f in (todo, done, cancelled, going)]

        async def ids(open_: bool) -> set[str]:
            params = {"project": projects, "open": str(open_).lower()}
            response = await client.get("/api/v1/quality-findings", params=params)
            assert response.status_code == 200, response.text
            return {f["id"] for f in response.json()["data"]}

        assert await ids(True) == {todo["id"], going["id"]}
        assert await ids(False) == {done["id"], cancelled["id"]}

    async def test_a_failing_action_item_leaves_no_finding(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        project = await make_project(client)
        review = await post_created(
            client,
            f"/api/v1/projects/{project['code']}/quality-reviews",
            {"kind": "audit", "title": "Audit"},
        )

        async def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the action item could not be written")

        monkeypatch.setattr(corrective.actions, "create_action_item", broken)
        path = f"/api/v1/quality-reviews/{review['id']}/findings"
        with pytest.raises(RuntimeError):
            await client.post(path, json={"severity": "low", "description": "x"})
        monkeypatch.undo()
        assert (await client.get(path)).json()["data"] == []
        items = await client.get(f"/api/v1/projects/{project['code']}/action-items")
        assert items.json()["data"] == []
