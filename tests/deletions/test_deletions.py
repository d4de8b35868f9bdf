"""The deletions feed: rows deleted, archived or moved out of a portfolio reach an
incremental pull as tombstones, each seen only by callers of the portfolio it was in."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project, post_created


async def _deletions(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/deletions", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


class TestDeletions:
    async def test_tombstones_appear_in_an_incremental_pull(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        """A viewer limited to portfolio A pulls costs and milestones, then deletions since its
        watermark: it learns of the cost deleted, the milestone deleted, the project archived
        and the project moved to B; nothing of B's own deletions."""
        a = await make_portfolio(client)
        b = await make_portfolio(client)
        kept = await make_project(client, a["id"])
        moved = await make_project(client, a["id"])
        archived = await make_project(client, a["id"])
        other = await make_project(client, b["id"])
        cost = await post_created(
            client,
            f"/api/v1/projects/{kept['code']}/costs",
            {"incurred_on": "2026-01-05", "amount": 10},
        )
        milestone = await post_created(
            client,
            f"/api/v1/projects/{kept['code']}/milestones",
            {"name": "m", "due_date": "2026-06-30"},
        )
        await post_created(
            client,
            f"/api/v1/projects/{archived['code']}/costs",
            {"incurred_on": "2026-01-05", "amount": 5},
        )
        hidden = await post_created(
            client,
            f"/api/v1/projects/{other['code']}/milestones",
            {"name": "b", "due_date": "2026-06-30"},
        )
        viewer = await harness.make_key(app, Role.viewer, [a["id"]])
        async with harness.http_client(app, viewer) as pull:
            first = await pull.get("/api/v1/costs")
            assert {c["id"] for c in first.json()["data"]} >= {cost["id"]}
            assert await _deletions(pull) == []

            # Changes after the pull: a delete, a delete, a move out of A, an archive; and a
            # delete in B.
            assert (await client.delete(f"/api/v1/costs/{cost['id']}")).status_code == 204
            gone = await client.delete(f"/api/v1/milestones/{milestone['id']}")
            assert gone.status_code == 204
            patched = await client.patch(
                f"/api/v1/projects/{moved['code']}", json={"portfolio_id": b["id"]}
            )
            assert patched.status_code == 200, patched.text
            await client.patch(f"/api/v1/projects/{archived['code']}", json={"status": "cancelled"})
            assert (await client.delete(f"/api/v1/projects/{archived['code']}")).status_code == 204
            assert (await client.delete(f"/api/v1/milestones/{hidden['id']}")).status_code == 204

            seen = await _deletions(pull)
            got = {(d["object_type"], d["object_id"], d["reason"]) for d in seen}
            assert got == {
                ("cost", cost["id"], "deleted"),
                ("milestone", milestone["id"], "deleted"),
                ("project", moved["id"], "moved"),
                ("project", archived["id"], "deleted"),
            }
            by_object = {d["object_id"]: d for d in seen}
            assert by_object[moved["id"]]["portfolio_id"] == a["id"]
            assert by_object[cost["id"]]["project_id"] == kept["id"]
            assert all(d["portfolio_id"] == a["id"] for d in seen)

            # Incremental: only what was deleted at or after the watermark.
            last = max(d["deleted_at"] for d in seen)
            later = await _deletions(pull, updated_since=last)
            assert later and all(d["deleted_at"] >= last for d in later)
            assert await _deletions(pull, updated_since="2999-01-01T00:00:00Z") == []

            # Filters, and CSV with the same rows.
            costs = await _deletions(pull, object_type="cost")
            assert [d["object_id"] for d in costs] == [cost["id"]]
            assert await _deletions(pull, project=kept["code"]) == [
                d for d in seen if d["project_id"] == kept["id"]
            ]
            exported = await pull.get("/api/v1/deletions", params={"format": "csv"})
            assert exported.status_code == 200
            rows = list(csv.DictReader(io.StringIO(exported.text)))
            assert {r["object_id"] for r in rows} == {d["object_id"] for d in seen}
            assert_problem(
                await pull.get("/api/v1/deletions", params={"object_type": "nope"}),
                422,
                loc=["query", "object_type", 0],
            )

        # The unlimited admin sees B's too.
        everything = await _deletions(client)
        assert hidden["id"] in {d["object_id"] for d in everything}

    async def test_a_refused_delete_leaves_no_tombstone(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        milestone = await post_created(
            client,
            f"/api/v1/projects/{project['code']}/milestones",
            {"name": "m", "due_date": "2026-06-30"},
        )
        stale = await client.delete(
            f"/api/v1/milestones/{milestone['id']}", headers={"If-Match": '"7"'}
        )
        assert stale.status_code == 412
        assert await _deletions(client) == []


class TestProgramFilter:
    async def test_program_id_matches_the_programme_the_row_was_in(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        """A row's tombstone records the programme its project was in when it went: the filter
        finds a child row's, a deleted project's (gone, so not looked up now) and a project
        moved to another portfolio (the programme it left), never another programme's; a move
        between programmes of one portfolio writes none; a key that cannot see the portfolio
        sees nothing of it."""
        a, b = await make_portfolio(client), await make_portfolio(client)
        one = await post_created(client, f"/api/v1/portfolios/{a['id']}/programs", {"name": "1"})
        two = await post_created(client, f"/api/v1/portfolios/{a['id']}/programs", {"name": "2"})
        inside = await make_project(client, a["id"], program_id=one["id"])
        doomed = await make_project(client, a["id"], program_id=one["id"])
        leaving = await make_project(client, a["id"], program_id=one["id"])
        switching = await make_project(client, a["id"], program_id=one["id"])
        elsewhere = await make_project(client, a["id"], program_id=two["id"])
        loose = await make_project(client, a["id"])
        milestones = {}
        for project in (inside, elsewhere, loose):
            milestones[project["code"]] = await post_created(
                client,
                f"/api/v1/projects/{project['code']}/milestones",
                {"name": "m", "due_date": "2026-06-30"},
            )
            gone = await client.delete(f"/api/v1/milestones/{milestones[project['code']]['id']}")
            assert gone.status_code == 204
        assert (await client.delete(f"/api/v1/projects/{doomed['code']}")).status_code == 204
        moved = await client.patch(
            f"/api/v1/projects/{leaving['code']}", json={"portfolio_id": b["id"]}
        )
        assert moved.status_code == 200 and moved.json()["program_id"] is None
        switched = await client.patch(
            f"/api/v1/projects/{switching['code']}", json={"program_id": two["id"]}
        )
        assert switched.status_code == 200, switched.text
        # The milestone of `inside` is recorded under programme one even after it moves on.
        assert (
            await client.patch(f"/api/v1/projects/{inside['code']}", json={"program_id": None})
        ).status_code == 200

        found = await _deletions(client, program_id=one["id"])
        assert {(d["object_type"], d["object_id"], d["reason"]) for d in found} == {
            ("milestone", milestones[inside["code"]]["id"], "deleted"),
            ("project", doomed["id"], "deleted"),
            ("project", leaving["id"], "moved"),
        }
        assert all(d["program_id"] == one["id"] and d["portfolio_id"] == a["id"] for d in found)
        two_found = await _deletions(client, program_id=two["id"])
        assert [d["object_id"] for d in two_found] == [milestones[elsewhere["code"]]["id"]]
        either = await _deletions(client, program_id=[one["id"], two["id"]])
        assert len(either) == 4
        whole = await _deletions(client, portfolio_id=a["id"])
        assert {d["object_id"] for d in whole} == {d["object_id"] for d in either} | {
            milestones[loose["code"]]["id"]
        }
        loose_row = next(d for d in whole if d["object_id"] == milestones[loose["code"]]["id"])
        assert loose_row["program_id"] is None
        # The programme's own deletion is filed under itself.
        empty = await post_created(client, f"/api/v1/portfolios/{a['id']}/programs", {"name": "3"})
        assert (await client.delete(f"/api/v1/programs/{empty['id']}")).status_code == 204
        own = await _deletions(client, program_id=empty["id"])
        assert [(d["object_type"], d["object_id"]) for d in own] == [("program", empty["id"])]
        exported = await client.get(
            "/api/v1/deletions", params={"format": "csv", "program_id": one["id"]}
        )
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert {r["object_id"] for r in rows} == {d["object_id"] for d in found}
        assert {r["program_id"] for r in rows} == {one["id"]}
        assert_problem(
            await client.get("/api/v1/deletions", params={"program_id": "x"}),
            422,
            loc=["query", "program_id", 0],
        )
        outsider = await harness.make_key(app, Role.viewer, [b["id"]])
        async with harness.http_client(app, outsider) as pull:
            assert await _deletions(pull, program_id=one["id"]) == []
