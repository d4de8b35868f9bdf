"""The decision log over REST: a project's and a portfolio's entries, the feed's filters and
CSV, the server's own entries read-only (409), scope, audit, and the service function other
domains call inside their own transaction."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from pmo_api.access.principal import Principal, Role
from pmo_api.decisions import service
from pmo_api.decisions.schemas import DecisionCreate
from tests.factories import assert_problem, make_portfolio, make_project
from tests.gql import gql, outcome

ADMIN = Principal(key_id="local", name="test", role=Role.admin)


async def _decision(client: httpx.AsyncClient, path: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "Buy, not build", **fields}
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


class TestWrites:
    async def test_project_and_portfolio_entries(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        project = await make_project(client, portfolio["id"])
        made = await _decision(
            client,
            f"/api/v1/projects/{project['code']}/decisions",
            rationale="Cheaper",
            alternatives=["Build in house", "Do nothing"],
            decided_by="Steering board",
            decided_on="2026-02-03",
            source="meeting",
            links=["https://wiki.example.com/minutes/7"],
        )
        assert made["project_id"] == project["id"] and made["portfolio_id"] == portfolio["id"]
        assert made["alternatives"] == ["Build in house", "Do nothing"]
        assert (made["read_only"], made["source"]) == (False, "meeting")
        own = await _decision(client, f"/api/v1/portfolios/{portfolio['id']}/decisions")
        assert own["project_id"] is None and own["project_code"] is None
        assert own["decided_on"] == datetime.now(UTC).date().isoformat()

        path = f"/api/v1/decisions/{made['id']}"
        patched = await client.patch(
            path, json={"alternatives": ["Build"], "links": []}, headers={"If-Match": '"1"'}
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["alternatives"] == ["Build"] and patched.json()["version"] == 2
        assert_problem(
            await client.patch(path, json={"source": "other"}), 422, loc=["body", "source"]
        )
        assert_problem(await client.patch(path, json={"decided_on": None}), 422)
        assert (await client.delete(path)).status_code == 204
        assert (await client.delete(f"/api/v1/decisions/{own['id']}")).status_code == 204
        assert_problem(await client.get(path), 404)
        deletions = (await client.get("/api/v1/deletions", params={"limit": 500})).json()["data"]
        by_id = {d["object_id"]: d for d in deletions}
        assert by_id[own["id"]]["portfolio_id"] == portfolio["id"]

    async def test_bad_input_names_the_field(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/decisions"
        for body, loc in (
            ({"title": ""}, ["body", "title"]),
            ({"title": "x", "source": "gate_review"}, ["body", "source"]),
            ({"title": "x", "links": ["javascript:alert(1)"]}, ["body", "links", 0]),
            ({"title": "x", "alternatives": "one"}, ["body", "alternatives"]),
            ({"title": "x", "decided_on": "soon"}, ["body", "decided_on"]),
        ):
            assert_problem(await client.post(path, json=body), 422, loc=loc)
        assert (await client.get(path)).json()["data"] == []
        missing = f"/api/v1/portfolios/{uuid.uuid4()}/decisions"
        assert_problem(await client.post(missing, json={"title": "x"}), 404)
        assert_problem(await client.get(missing), 404)


class TestSystemEntries:
    async def test_recorded_by_a_service_and_read_only(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        review = uuid.uuid4()
        async with app.state.db.write() as conn:
            row = await service.record_decision(
                conn,
                principal=ADMIN,
                data=DecisionCreate(title="Go", rationale="All must criteria met"),
                project=project["id"],
                source="gate_review",
                source_id=review,
            )
        path = f"/api/v1/decisions/{row['id']}"
        body = (await client.get(path)).json()
        assert (body["source"], body["source_id"], body["read_only"]) == (
            "gate_review",
            str(review),
            True,
        )
        assert_problem(await client.patch(path, json={"title": "No go"}), 409)
        assert_problem(await client.delete(path), 409)
        assert (await client.get(path)).json()["version"] == 1

    async def test_a_failing_transaction_leaves_no_entry(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        try:
            async with app.state.db.write() as conn:
                await service.record_decision(
                    conn, principal=ADMIN, data=DecisionCreate(title="Gone"), project=project["id"]
                )
                raise RuntimeError("a later step of the caller's transaction fails")
        except RuntimeError:
            pass
        listed = await client.get(f"/api/v1/projects/{project['code']}/decisions")
        assert listed.json()["data"] == []


class TestLists:
    async def test_feed_filters_csv_and_audit(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        a = await make_project(client, portfolio["id"])
        elsewhere = await make_project(client)
        first = await _decision(
            client, f"/api/v1/projects/{a['code']}/decisions", decided_on="2026-01-31"
        )
        await _decision(
            client,
            f"/api/v1/portfolios/{portfolio['id']}/decisions",
            decided_on="2026-02-01",
            source="meeting",
            alternatives=["a", "b|c"],
        )
        await _decision(
            client, f"/api/v1/projects/{elsewhere['code']}/decisions", decided_on="2026-02-15"
        )
        feed = "/api/v1/decisions"
        mine = {"portfolio_id": portfolio["id"]}
        assert len((await client.get(feed, params=mine)).json()["data"]) == 2
        own = await client.get(f"/api/v1/portfolios/{portfolio['id']}/decisions")
        assert [d["source"] for d in own.json()["data"]] == ["meeting"]
        window = await client.get(
            feed, params={"decided_since": "2026-02-01", "decided_until": "2026-02-15"}
        )
        assert sorted(d["decided_on"] for d in window.json()["data"]) == [
            "2026-02-01",
            "2026-02-15",
        ]
        by_project = await client.get(feed, params={"project": a["code"], "source": "other"})
        assert [d["id"] for d in by_project.json()["data"]] == [first["id"]]
        text = (await client.get(feed, params={**mine, "format": "csv", "sort": "decided_on"})).text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["decided_on"] for r in rows] == ["2026-01-31", "2026-02-01"]
        assert rows[1]["alternatives"] == '["a","b|c"]'
        assert_problem(await client.get(feed, params={"decided_since": "x"}), 422)

        events = (
            await client.get("/api/v1/audit-events", params={"object_type": "decision"})
        ).json()["data"]
        assert first["id"] in {e["object_id"] for e in events}


class TestGraphQL:
    async def test_nested_root_and_mutations(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        project = await make_project(client, portfolio["id"])
        fields = "id title alternatives decidedOn source readOnly projectId"
        made = await gql(
            client,
            f"""mutation($p: String!) {{ createDecision(project: $p, input: {{title: "Go",
                alternatives: ["Stop"], decidedOn: "2026-03-02", source: MEETING}})
                {{ {outcome("Decision", fields)} }} }}""",
            p=project["code"],
        )
        entry = made["data"]["createDecision"]
        assert entry["__typename"] == "Decision" and entry["alternatives"] == ["Stop"], made
        own = await gql(
            client,
            f"""mutation($f: ID!) {{ createDecision(portfolio: $f, input: {{title: "Merge"}})
                {{ {outcome("Decision", fields)} }} }}""",
            f=portfolio["id"],
        )
        assert own["data"]["createDecision"]["projectId"] is None, own
        both = await gql(
            client,
            f"""mutation($f: ID!, $p: String!) {{ createDecision(portfolio: $f, project: $p,
                input: {{title: "x"}}) {{ {outcome("Decision", fields)} }} }}""",
            f=portfolio["id"],
            p=project["code"],
        )
        assert both["data"]["createDecision"]["__typename"] == "ValidationFailed", both
        updated = await gql(
            client,
            f"""mutation($id: ID!) {{ updateDecision(id: $id, patch: {{rationale: "Cheaper"}})
                {{ {outcome("Decision", "version")} }} }}""",
            id=entry["id"],
        )
        assert updated["data"]["updateDecision"]["version"] == 2, updated
        read = await gql(
            client,
            """query($c: String!, $f: ID!) { project(code: $c) { decisions { nodes { id } } }
                 decisions(portfolio: $f) { nodes { title } }
                 all: decisions(filter: {portfolioId: [$f]}) { totalCount } }""",
            c=project["code"],
            f=portfolio["id"],
        )
        assert read["data"]["project"]["decisions"]["nodes"] == [{"id": entry["id"]}], read
        assert read["data"]["decisions"]["nodes"] == [{"title": "Merge"}]
        assert read["data"]["all"]["totalCount"] == 2
        gone = await gql(
            client, "mutation($id: ID!) { deleteDecision(id: $id) { __typename } }", id=entry["id"]
        )
        assert gone["data"]["deleteDecision"]["__typename"] == "Deleted"
