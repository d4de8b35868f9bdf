"""A key limited to portfolios sees the programmes inside them, and nothing of the others
(404, as if they did not exist); a viewer reads, an editor writes."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project
from tests.programs.test_programs import make_program


class TestScope:
    async def test_a_limited_key_sees_only_its_portfolios_programmes(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        mine, theirs = await make_portfolio(client), await make_portfolio(client)
        visible = await make_program(client, mine["id"], n=1)
        hidden = await make_program(client, theirs["id"], n=2)
        await make_project(client, mine["id"], program_id=visible["id"])
        await make_project(client, theirs["id"], program_id=hidden["id"])
        key = await harness.make_key(app, Role.editor, [uuid.UUID(mine["id"])])
        async with harness.http_client(app, key) as limited:
            listed = (await limited.get("/api/v1/programs")).json()["data"]
            assert [p["id"] for p in listed] == [visible["id"]]
            assert (await limited.get(f"/api/v1/programs/{visible['id']}")).status_code == 200
            for suffix in ("", "/evm", "/summary", "/health", "/risk-matrix"):
                response = await limited.get(f"/api/v1/programs/{hidden['id']}{suffix}")
                assert_problem(response, 404)
            assert_problem(await limited.get(f"/api/v1/portfolios/{theirs['id']}/programs"), 404)
            path = f"/api/v1/programs/{hidden['id']}"
            assert_problem(await limited.patch(path, json={"name": "mine now"}), 404)
            assert_problem(await limited.delete(path), 404)
            created = await limited.post(
                f"/api/v1/portfolios/{theirs['id']}/programs", json={"name": "sneaky"}
            )
            assert_problem(created, 404)
            # A programme it cannot see is no programme for its projects either.
            refused = await limited.post(
                "/api/v1/projects",
                json={
                    "code": "LIM-1",
                    "portfolio_id": mine["id"],
                    "name": "P",
                    "program_id": hidden["id"],
                },
            )
            assert_problem(refused, 422, loc=["body", "program_id"])
            projects = await limited.get("/api/v1/projects", params={"program_id": hidden["id"]})
            assert projects.json()["data"] == []
        assert (await client.get(f"/api/v1/programs/{hidden['id']}")).json()[
            "name"
        ] == "Programme 2"

    async def test_a_viewer_reads_but_cannot_write(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        program = await make_program(client, portfolio["id"])
        key = await harness.make_key(app, Role.viewer)
        async with harness.http_client(app, key) as viewer:
            assert (await viewer.get(f"/api/v1/programs/{program['id']}")).status_code == 200
            path = f"/api/v1/portfolios/{portfolio['id']}/programs"
            assert_problem(await viewer.post(path, json={"name": "no"}), 403)
            program_path = f"/api/v1/programs/{program['id']}"
            assert_problem(await viewer.patch(program_path, json={"name": "no"}), 403)
            assert_problem(await viewer.delete(program_path), 403)
