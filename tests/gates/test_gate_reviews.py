"""Gate reviews over REST: one open review per gate, each decision's effect on the project's
lifecycle and the gate milestone in one transaction (a refusal leaves nothing), the `must`
criterion override, immutability once decided, supersession, the lists and their CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from pmo_api.core.errors import Conflict
from pmo_api.gates import follow_ups
from tests.factories import assert_problem, list_all, make_project, post_created

MUST_UNMET = [
    {"key": "bc", "text": "Business case approved", "level": "must", "result": "not_met"},
    {"text": "Risks reviewed", "level": "should", "result": "met"},
]


async def _gate(client: httpx.AsyncClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"name": "Gate 1", "due_date": "2026-03-31", "is_gate": True, **fields}
    return await post_created(client, f"/api/v1/projects/{code}/milestones", body)


async def _setup(
    client: httpx.AsyncClient, status: str = "active"
) -> tuple[dict[str, Any], dict[str, Any]]:
    project = await make_project(
        client, status=status, start_date="2026-01-01", finish_date="2026-12-31"
    )
    return project, await _gate(client, project["code"])


async def _review(
    client: httpx.AsyncClient, code: str, milestone_id: str, **fields: Any
) -> dict[str, Any]:
    body = {"milestone_id": milestone_id, "scheduled_on": "2026-03-20", **fields}
    return await post_created(client, f"/api/v1/projects/{code}/gate-reviews", body)


async def _decide(client: httpx.AsyncClient, review_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/api/v1/gate-reviews/{review_id}/decision", json=body)


async def _get(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _audit(client: httpx.AsyncClient, object_id: str) -> list[str]:
    rows = await list_all(client, "/api/v1/audit-events", {"object_type": "gate_review"})
    return [r["action"] for r in rows if r["object_id"] == object_id]


class TestCreate:
    async def test_a_review_of_a_gate(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        review = await _review(
            client,
            project["code"],
            gate["id"],
            criteria=MUST_UNMET,
            reviewers=[{"name": "Ana", "vote": "go"}],
        )
        assert review["project_id"] == project["id"] and review["milestone_id"] == gate["id"]
        assert review["open"] is True and review["decision"] is None
        assert review["criteria"][0] == {
            "key": "bc",
            "text": "Business case approved",
            "level": "must",
            "result": "not_met",
            "evidence_url": None,
            "comment": None,
        }
        assert review["reviewers"] == [{"name": "Ana", "vote": "go", "comment": None}]
        assert review["conditions"] == [] and review["superseded_by"] is None
        assert await _get(client, f"/api/v1/gate-reviews/{review['id']}") == review
        assert await _audit(client, review["id"]) == ["create"]

    async def test_only_a_gate_of_the_project(self, client: httpx.AsyncClient) -> None:
        project, _ = await _setup(client)
        plain = await _gate(client, project["code"], is_gate=False)
        _, other_gate = await _setup(client)
        path = f"/api/v1/projects/{project['code']}/gate-reviews"
        for milestone_id in (plain["id"], other_gate["id"]):
            response = await client.post(path, json={"milestone_id": milestone_id})
            assert_problem(response, 422, loc=["body", "milestone_id"])
        missing = await client.post(
            "/api/v1/projects/NOPE-1/gate-reviews", json={"milestone_id": plain["id"]}
        )
        assert_problem(missing, 404)
        assert await list_all(client, path) == []

    async def test_one_open_review_per_gate(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        first = await _review(client, project["code"], gate["id"])
        again = await client.post(
            f"/api/v1/projects/{project['code']}/gate-reviews", json={"milestone_id": gate["id"]}
        )
        assert_problem(again, 409)
        second_gate = await _gate(client, project["code"], name="Gate 2")
        await _review(client, project["code"], second_gate["id"])  # another gate: fine
        response = await client.delete(f"/api/v1/gate-reviews/{first['id']}")
        assert response.status_code == 204, response.text
        await _review(client, project["code"], gate["id"])  # the gate is free again


class TestDecisions:
    async def test_go_completes_the_gate_on_the_decision_date(
        self, client: httpx.AsyncClient
    ) -> None:
        project, gate = await _setup(client)
        review = await _review(client, project["code"], gate["id"])
        conditions = [{"title": "Fix the plan", "owner": "Ana", "due_date": "2026-04-15"}]
        response = await _decide(
            client,
            review["id"],
            decision="go",
            decided_on="2026-03-25",
            rationale="Ready",
            conditions=conditions,
        )
        assert response.status_code == 200, response.text
        decided = response.json()
        assert (decided["decision"], decided["decided_on"], decided["open"]) == (
            "go",
            "2026-03-25",
            False,
        )
        assert decided["held_on"] == "2026-03-25" and decided["conditions"] == conditions
        assert decided["decided_by"]  # the caller's name by default
        milestone = await _get(client, f"/api/v1/milestones/{gate['id']}")
        assert (milestone["completed_on"], milestone["status"]) == ("2026-03-25", "completed")
        assert (await _get(client, f"/api/v1/projects/{project['code']}"))["status"] == "active"
        assert await _audit(client, review["id"]) == ["create", "decide"]
        # The condition is an action item of the project; the decision is in its log.
        items = await list_all(client, f"/api/v1/projects/{project['code']}/action-items")
        assert [
            (i["title"], i["owner"], i["due_date"], i["source"], i["source_id"]) for i in items
        ] == [("Fix the plan", "Ana", "2026-04-15", "gate_condition", review["id"])]
        (entry,) = await list_all(client, f"/api/v1/projects/{project['code']}/decisions")
        assert (entry["source"], entry["source_id"], entry["decided_on"]) == (
            "gate_review",
            review["id"],
            "2026-03-25",
        )
        assert entry["title"] == "Gate 'Gate 1' passed (go)" and entry["rationale"] == "Ready"
        assert entry["read_only"] is True and entry["decided_by"] == decided["decided_by"]

    @pytest.mark.parametrize(
        ("decision", "status"), [("hold", "on_hold"), ("kill", "cancelled"), ("recycle", "active")]
    )
    async def test_the_project_follows_the_decision(
        self, client: httpx.AsyncClient, decision: str, status: str
    ) -> None:
        project, gate = await _setup(client)
        review = await _review(client, project["code"], gate["id"])
        response = await _decide(client, review["id"], decision=decision, rationale="Because")
        assert response.status_code == 200, response.text
        assert (await _get(client, f"/api/v1/projects/{project['code']}"))["status"] == status
        milestone = await _get(client, f"/api/v1/milestones/{gate['id']}")
        assert milestone["completed_on"] is None  # the gate stays open
        base = f"/api/v1/projects/{project['code']}"
        assert await list_all(client, f"{base}/action-items") == []
        (entry,) = await list_all(client, f"{base}/decisions")
        assert (entry["source"], entry["source_id"]) == ("gate_review", review["id"])
        # A new review of the gate may be scheduled; it supersedes the decided one.
        later = await _review(client, project["code"], gate["id"])
        earlier = await _get(client, f"/api/v1/gate-reviews/{review['id']}")
        assert earlier["superseded_by"] == later["id"]
        assert earlier["version"] == response.json()["version"] + 1

    @pytest.mark.parametrize(
        ("status", "decision"),
        [("proposed", "hold"), ("completed", "hold"), ("completed", "kill")],
    )
    async def test_an_illegal_transition_writes_nothing(
        self, client: httpx.AsyncClient, status: str, decision: str
    ) -> None:
        """The review is written before the project's transition is refused: the whole
        transaction rolls back, the review's decision and audit event with it."""
        project, gate = await _setup(client, status=status)
        review = await _review(client, project["code"], gate["id"])
        before = await _get(client, f"/api/v1/projects/{project['code']}")
        response = await _decide(client, review["id"], decision=decision)
        assert_problem(response, 409)
        assert await _get(client, f"/api/v1/gate-reviews/{review['id']}") == review
        assert await _get(client, f"/api/v1/projects/{project['code']}") == before
        assert await _audit(client, review["id"]) == ["create"]
        assert await list_all(client, f"/api/v1/projects/{project['code']}/decisions") == []

    async def test_a_go_failing_last_leaves_nothing(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The decision log entry is written last: when it fails, the review's decision, the
        completed milestone and the conditions' action items written before it roll back."""

        async def refuse(*_args: Any, **_kwargs: Any) -> Any:
            raise Conflict("the decision log refused the entry")

        project, gate = await _setup(client)
        review = await _review(client, project["code"], gate["id"])
        monkeypatch.setattr(follow_ups, "record_decision", refuse)
        response = await _decide(
            client, review["id"], decision="go", conditions=[{"title": "Fix the plan"}]
        )
        assert_problem(response, 409)
        assert await _get(client, f"/api/v1/gate-reviews/{review['id']}") == review
        milestone = await _get(client, f"/api/v1/milestones/{gate['id']}")
        assert (milestone["completed_on"], milestone["version"]) == (None, gate["version"])
        base = f"/api/v1/projects/{project['code']}"
        assert await list_all(client, f"{base}/action-items") == []
        assert await list_all(client, f"{base}/decisions") == []
        assert await _audit(client, review["id"]) == ["create"]

    async def test_must_criteria_unmet_need_an_override(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        unrecorded = [{"text": "Sponsor signed", "level": "must"}]
        for criteria in (MUST_UNMET, unrecorded):
            review = await _review(client, project["code"], gate["id"], criteria=criteria)
            for override in (None, {"reason": ""}, {"reason": "   "}):
                body: dict[str, Any] = {"decision": "go"}
                if override is not None:
                    body["override"] = override
                response = await _decide(client, review["id"], **body)
                problem = assert_problem(response, 422)
                assert ["body", "override"] in [e["loc"][:2] for e in problem["errors"]]
            assert await _get(client, f"/api/v1/gate-reviews/{review['id']}") == review
            response = await _decide(
                client, review["id"], decision="recycle", override={"reason": "Sponsor away"}
            )
            assert response.status_code == 200, response.text
            assert response.json()["override"] == {"reason": "Sponsor away"}
        entries = await list_all(client, f"/api/v1/projects/{project['code']}/decisions")
        assert [e["rationale"] for e in entries] == [
            "Overridden: a must criterion was not met (Sponsor away)."
        ] * 2

    async def test_met_or_not_applicable_musts_need_none(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        criteria = [
            {"text": "A", "level": "must", "result": "met"},
            {"text": "B", "level": "must", "result": "n/a"},
            {"text": "C", "level": "should", "result": "not_met"},
            {"text": "D", "level": "should"},
        ]
        review = await _review(client, project["code"], gate["id"], criteria=criteria)
        response = await _decide(client, review["id"], decision="go")
        assert response.status_code == 200, response.text
        assert response.json()["override"] is None

    async def test_conditions_only_with_go(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        review = await _review(client, project["code"], gate["id"])
        response = await _decide(client, review["id"], decision="hold", conditions=[{"title": "x"}])
        assert_problem(response, 422, loc=["body", "conditions"])


class TestImmutability:
    async def test_a_decided_review_is_immutable(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        review = await _review(client, project["code"], gate["id"])
        path = f"/api/v1/gate-reviews/{review['id']}"
        patched = await client.patch(
            path,
            json={"reviewers": [{"name": "Bo", "vote": "hold"}]},
            headers={"If-Match": '"1"'},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["reviewers"][0]["vote"] == "hold"
        stale = await _decide(client, review["id"], decision="go")
        assert stale.status_code == 200, stale.text
        decided = stale.json()
        assert_problem(await client.patch(path, json={"notes": "later"}), 409)
        assert_problem(await client.delete(path), 409)
        assert_problem(await _decide(client, review["id"], decision="kill"), 409)
        assert await _get(client, path) == decided

    async def test_if_match_guards_the_decision(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        review = await _review(client, project["code"], gate["id"])
        response = await client.post(
            f"/api/v1/gate-reviews/{review['id']}/decision",
            json={"decision": "go"},
            headers={"If-Match": '"7"'},
        )
        assert_problem(response, 412)
        assert (await _get(client, f"/api/v1/milestones/{gate['id']}"))["completed_on"] is None


class TestLists:
    async def test_feed_filters_and_csv(self, client: httpx.AsyncClient) -> None:
        project, gate = await _setup(client)
        other, other_gate = await _setup(client)
        first = await _review(client, project["code"], gate["id"], scheduled_on="2026-02-01")
        await _decide(client, first["id"], decision="recycle")
        second = await _review(client, project["code"], gate["id"], scheduled_on="2026-05-01")
        third = await _review(client, other["code"], other_gate["id"], scheduled_on="2026-03-01")
        mine = [first["id"], second["id"]]

        async def ids(path: str, **params: Any) -> list[str]:
            return [r["id"] for r in await list_all(client, path, params)]

        assert await ids(f"/api/v1/projects/{project['code']}/gate-reviews") == mine
        feed = "/api/v1/gate-reviews"
        assert await ids(feed, project=project["code"]) == mine
        assert await ids(feed, portfolio_id=other["portfolio_id"]) == [third["id"]]
        assert set(await ids(feed, open="true")) >= {second["id"], third["id"]}
        assert first["id"] not in await ids(feed, open="true")
        assert await ids(feed, project=project["code"], decision="recycle") == [first["id"]]
        assert await ids(
            feed, project=[project["code"], other["code"]], scheduled_before="2026-04-01"
        ) == [first["id"], third["id"]]
        assert await ids(feed, project=project["code"], sort="-scheduled_on") == mine[::-1]
        response = await client.get(
            f"/api/v1/projects/{project['code']}/gate-reviews", params={"format": "csv"}
        )
        assert response.status_code == 200, response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["id"] for r in rows] == mine
        assert rows[0]["decision"] == "recycle" and rows[1]["open"] == "True"
