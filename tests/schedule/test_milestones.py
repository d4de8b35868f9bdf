"""Milestones over REST: their status (completed, overdue, upcoming) is derived, filtered and
exported as it is shown, and a weight must be positive."""

from __future__ import annotations

import csv
import io

import httpx

from tests.factories import assert_problem, make_project, post_created


class TestMilestones:
    async def test_status_is_derived(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        base = f"/api/v1/projects/{project['code']}/milestones"
        done = await post_created(
            client, base, {"name": "d", "due_date": "2000-01-01", "completed_on": "2000-01-02"}
        )
        late = await post_created(
            client, base, {"name": "l", "due_date": "2000-01-01", "is_gate": True}
        )
        ahead = await post_created(
            client, base, {"name": "u", "due_date": "2999-01-01", "weight": 2.5}
        )
        assert (done["status"], late["status"], ahead["status"]) == (
            "completed",
            "overdue",
            "upcoming",
        )
        assert ahead["weight"] == 2.5
        overdue = (await client.get(base, params={"status": "overdue"})).json()["data"]
        assert [m["id"] for m in overdue] == [late["id"]]
        patched = await client.patch(
            f"/api/v1/milestones/{late['id']}", json={"completed_on": "2000-02-01"}
        )
        assert patched.json()["status"] == "completed"
        rows = list(
            csv.DictReader(io.StringIO((await client.get(base, params={"format": "csv"})).text))
        )
        assert [r["status"] for r in rows] == ["completed", "completed", "upcoming"]
        assert_problem(
            await client.post(base, json={"name": "x", "due_date": "2026-01-01", "weight": 0}),
            422,
            loc=["body", "weight"],
        )
