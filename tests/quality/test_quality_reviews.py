"""Quality reviews and their findings over REST: CRUD, versions and If-Match, the lists and
their filters, CSV, a closed review, and the audit trail."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.factories import assert_problem, make_portfolio, make_project, post_created


async def _review(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "audit", "title": "Q3 audit", **fields}
    return await post_created(client, f"/api/v1/projects/{code}/quality-reviews", body)


async def _finding(client: httpx.AsyncClient, review_id: str, **fields: Any) -> dict[str, Any]:
    body = {"severity": "high", "description": "No test plan", **fields}
    return await post_created(client, f"/api/v1/quality-reviews/{review_id}/findings", body)


class TestReviews:
    async def test_create_read_update_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        review = await _review(
            client, project["code"], reviewer="Ada", held_on="2026-03-02", summary="Fine"
        )
        assert review["project_id"] == project["id"]
        assert (review["kind"], review["status"], review["version"]) == ("audit", "planned", 1)
        path = f"/api/v1/quality-reviews/{review['id']}"
        got = await client.get(path)
        assert got.status_code == 200 and got.json() == review
        assert got.headers["ETag"].startswith('"1-')
        stale = await client.patch(path, json={"status": "held"}, headers={"If-Match": '"9"'})
        assert_problem(stale, 412)
        patched = await client.patch(path, json={"status": "held"}, headers={"If-Match": '"1"'})
        assert patched.status_code == 200, patched.text
        assert (patched.json()["status"], patched.json()["version"]) == ("held", 2)
        assert_problem(await client.patch(path, json={"title": None}), 422)
        assert_problem(await client.patch(path, json={"kind": "chat"}), 422)
        listed = await client.get(f"/api/v1/projects/{project['code']}/quality-reviews")
        assert [r["id"] for r in listed.json()["data"]] == [review["id"]]
        assert (await client.delete(path, headers={"If-Match": '"2"'})).status_code == 204
        assert_problem(await client.get(path), 404)

    async def test_bad_input(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/quality-reviews"
        for body, loc in (
            ({"kind": "gossip", "title": "x"}, ["body", "kind"]),
            ({"kind": "audit", "title": " "}, ["body", "title"]),
            ({"kind": "audit", "title": "x", "status": "done"}, ["body", "status"]),
            ({"kind": "audit", "title": "x", "held_on": 0}, ["body", "held_on"]),
        ):
            assert_problem(await client.post(path, json=body), 422, loc=loc)
        nope = "/api/v1/projects/NOPE/quality-reviews"
        assert_problem(await client.post(nope, json={"kind": "audit", "title": "x"}), 404)

    async def test_feed_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        one = await make_project(client, portfolio["id"])
        other = await make_project(client)
        audit = await _review(client, one["code"], reviewer="Ada")
        peer = await _review(client, one["code"], kind="peer_review", status="held")
        elsewhere = await _review(client, other["code"], kind="health_check")

        async def ids(**params: Any) -> list[str]:
            response = await client.get("/api/v1/quality-reviews", params=params)
            assert response.status_code == 200, response.text
            return [r["id"] for r in response.json()["data"]]

        assert await ids(portfolio_id=portfolio["id"]) == [audit["id"], peer["id"]]
        assert await ids(project=other["code"]) == [elsewhere["id"]]
        assert await ids(project=one["code"], kind="peer_review") == [peer["id"]]
        assert await ids(project=one["code"], status="planned") == [audit["id"]]
        assert await ids(project=one["code"], reviewer="Ada") == [audit["id"]]
        assert await ids(project=one["code"], sort="-created_at") == [peer["id"], audit["id"]]
        response = await client.get(
            f"/api/v1/projects/{one['code']}/quality-reviews", params={"format": "csv"}
        )
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/csv"
        )
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["id"] for r in rows] == [audit["id"], peer["id"]]
        assert rows[1]["kind"] == "peer_review"


class TestFindings:
    async def test_create_read_update_delete(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        review = await _review(client, project["code"])
        finding = await _finding(client, review["id"])
        assert (finding["review_id"], finding["project_id"]) == (review["id"], project["id"])
        assert (finding["severity"], finding["version"]) == ("high", 1)
        path = f"/api/v1/quality-findings/{finding['id']}"
        assert (await client.get(path)).json() == finding
        patched = await client.patch(
            path, json={"severity": "critical"}, headers={"If-Match": '"1"'}
        )
        assert patched.status_code == 200, patched.text
        assert (patched.json()["severity"], patched.json()["version"]) == ("critical", 2)
        listed = await client.get(f"/api/v1/quality-reviews/{review['id']}/findings")
        assert [f["id"] for f in listed.json()["data"]] == [finding["id"]]
        assert_problem(await client.delete(path, headers={"If-Match": '"1"'}), 412)
        assert (await client.delete(path, headers={"If-Match": '"2"'})).status_code == 204
        assert_problem(await client.get(path), 404)

    async def test_a_closed_review_takes_no_new_findings(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        review = await _review(client, project["code"], status="closed")
        path = f"/api/v1/quality-reviews/{review['id']}/findings"
        response = await client.post(path, json={"severity": "low", "description": "late"})
        assert_problem(response, 409)
        assert (await client.get(path)).json()["data"] == []

    async def test_unknown_review(self, client: httpx.AsyncClient) -> None:
        path = "/api/v1/quality-reviews/00000000-0000-4000-8000-000000000000/findings"
        assert_problem(await client.get(path), 404)
        assert_problem(await client.post(path, json={"severity": "low", "description": "x"}), 404)

    async def test_deleting_a_review_deletes_its_findings(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        review = await _review(client, project["code"])
        finding = await _finding(client, review["id"])
        response = await client.delete(f"/api/v1/quality-reviews/{review['id']}")
        assert response.status_code == 204
        assert_problem(await client.get(f"/api/v1/quality-findings/{finding['id']}"), 404)
        deletions = await client.get("/api/v1/deletions", params={"project": project["code"]})
        if deletions.status_code == 200:
            kinds = {(d["object_type"], d["object_id"]) for d in deletions.json()["data"]}
            assert ("quality_finding", finding["id"]) in kinds
            assert ("quality_review", review["id"]) in kinds

    async def test_feed_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        one = await make_project(client, portfolio["id"])
        other = await make_project(client)
        review = await _review(client, one["code"])
        high = await _finding(client, review["id"])
        low = await _finding(client, review["id"], severity="low", description="Typos")
        far = await _finding(client, (await _review(client, other["code"]))["id"])

        async def ids(**params: Any) -> list[str]:
            response = await client.get("/api/v1/quality-findings", params=params)
            assert response.status_code == 200, response.text
            return [r["id"] for r in response.json()["data"]]

        assert await ids(portfolio_id=portfolio["id"]) == [high["id"], low["id"]]
        assert await ids(project=other["code"]) == [far["id"]]
        assert await ids(portfolio_id=portfolio["id"], severity="low") == [low["id"]]
        assert await ids(portfolio_id=portfolio["id"], q="typo") == [low["id"]]
        response = await client.get(
            "/api/v1/quality-findings", params={"project": one["code"], "format": "csv"}
        )
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["id"], r["severity"]) for r in rows] == [
            (high["id"], "high"),
            (low["id"], "low"),
        ]


class TestAudit:
    async def test_every_write_is_audited(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        review = await _review(client, project["code"])
        finding = await _finding(client, review["id"])
        await client.patch(f"/api/v1/quality-findings/{finding['id']}", json={"severity": "low"})
        await client.patch(f"/api/v1/quality-reviews/{review['id']}", json={"status": "held"})
        await client.delete(f"/api/v1/quality-reviews/{review['id']}")

        async def actions(object_type: str, object_id: str) -> list[str]:
            response = await client.get(
                "/api/v1/audit-events", params={"object_type": object_type, "object_id": object_id}
            )
            assert response.status_code == 200, response.text
            return [e["action"] for e in response.json()["data"]]

        assert sorted(await actions("quality_review", review["id"])) == [
            "create",
            "delete",
            "update",
        ]
        assert sorted(await actions("quality_finding", finding["id"])) == [
            "create",
            "delete",
            "update",
        ]
