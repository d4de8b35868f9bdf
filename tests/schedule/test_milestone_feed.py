"""The milestones feed (`GET /api/v1/milestones`, GraphQL `milestones`): milestones across the
projects the caller may see, filtered as the other feeds are, as JSON pages or CSV."""

from __future__ import annotations

import csv
import io

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project, post_created


class TestMilestoneFeed:
    async def test_feed_filters_scope_and_csv(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        a = await make_portfolio(client)
        b = await make_portfolio(client)
        one = await make_project(client, a["id"])
        two = await make_project(client, a["id"])
        other = await make_project(client, b["id"])
        gate = await post_created(
            client,
            f"/api/v1/projects/{one['code']}/milestones",
            {"name": "=Gate 1", "due_date": "2000-01-01", "is_gate": True},
        )
        later = await post_created(
            client,
            f"/api/v1/projects/{two['code']}/milestones",
            {"name": "Go live", "due_date": "2999-01-01"},
        )
        hidden = await post_created(
            client,
            f"/api/v1/projects/{other['code']}/milestones",
            {"name": "B", "due_date": "2500-01-01"},
        )
        everything = (await client.get("/api/v1/milestones")).json()["data"]
        assert [m["id"] for m in everything] == [gate["id"], hidden["id"], later["id"]]

        async def ids(**params: object) -> list[str]:
            response = await client.get("/api/v1/milestones", params=params)
            assert response.status_code == 200, response.text
            return [m["id"] for m in response.json()["data"]]

        assert await ids(portfolio_id=a["id"]) == [gate["id"], later["id"]]
        assert await ids(project=[one["code"], two["id"]]) == [gate["id"], later["id"]]
        assert await ids(project="NO-SUCH") == []
        assert await ids(status="overdue") == [gate["id"]]
        assert await ids(is_gate="false") == [hidden["id"], later["id"]]
        assert await ids(updated_since="2999-01-01T00:00:00Z") == []
        assert_problem(
            await client.get("/api/v1/milestones", params={"status": "late"}),
            422,
            loc=["query", "status", 0],
        )

        viewer = await harness.make_key(app, Role.viewer, [a["id"]])
        async with harness.http_client(app, viewer) as limited:
            exported = await limited.get("/api/v1/milestones", params={"format": "csv"})
            assert exported.status_code == 200
            rows = list(csv.DictReader(io.StringIO(exported.text)))
            assert [r["id"] for r in rows] == [gate["id"], later["id"]]
            assert rows[0]["name"] == "'=Gate 1"  # a formula never runs in a spreadsheet
            query = "{ milestones(filter: {isGate: true}) { nodes { id status } } }"
            answer = (await limited.post("/graphql", json={"query": query})).json()
            assert answer["data"]["milestones"]["nodes"] == [
                {"id": gate["id"], "status": "OVERDUE"}
            ]
