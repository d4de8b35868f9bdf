"""Updates of projects (and portfolios) as merge patches: absent fields stay, null clears, lists
are replaced whole, the version goes up by one; and a project is reachable by id and by code
until its code changes."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from tests.factories import (
    assert_problem,
    install_response_guard,
    make_portfolio,
    make_project,
)

PROJECTS = "/api/v1/projects"
PORTFOLIOS = "/api/v1/portfolios"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestMergePatch:
    async def test_absent_fields_stay_null_clears_and_lists_are_replaced_whole(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(
            client,
            description="keep me?",
            sponsor="Ada",
            tags=["a", "b", "c"],
            objectives=["grow", "save"],
            deliverables=["plan"],
            start_date="2030-01-01",
        )
        url = f"{PROJECTS}/{project['id']}"
        await asyncio.sleep(0.002)

        response = await client.patch(
            url,
            content=b'{"description": null, "tags": ["z"], "deliverables": []}',
            headers={"Content-Type": "application/merge-patch+json"},
        )

        assert response.status_code == 200, response.text
        patched = response.json()
        assert patched["description"] is None
        assert patched["tags"] == ["z"]
        assert patched["deliverables"] == []
        assert patched["version"] == 2
        assert response.headers["etag"].startswith('"2-')
        assert datetime.fromisoformat(patched["updated_at"]) > datetime.fromisoformat(
            project["updated_at"]
        )
        unchanged = {
            k: v
            for k, v in project.items()
            if k not in {"description", "tags", "deliverables", "version", "updated_at"}
        }
        assert {k: patched[k] for k in unchanged} == unchanged
        assert (await client.get(url)).json() == patched

    async def test_each_patch_that_changes_something_bumps_the_version_by_one(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        for version, change in enumerate(
            [{"priority": 1}, {"scope": "all"}, {"scope": None}, {"budget": 7.5}], start=2
        ):
            response = await client.patch(
                url, json=change, headers={"If-Match": f'"{version - 1}"'}
            )
            assert response.status_code == 200, response.text
            assert response.json()["version"] == version
        assert (await client.get(url)).json()["version"] == 5

    async def test_portfolio_patch_clears_optional_fields_and_keeps_the_rest(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client, description="d", owner="o")
        url = f"{PORTFOLIOS}/{portfolio['id']}"
        response = await client.patch(url, json={"owner": None})
        assert response.status_code == 200
        body = response.json()
        assert body["owner"] is None
        assert body["description"] == "d"
        assert body["name"] == portfolio["name"]
        assert body["version"] == 2


class TestProjectReferences:
    async def test_a_project_is_reachable_by_id_and_by_code_until_the_code_changes(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, code="APOLLO-7")

        by_id = await client.get(f"{PROJECTS}/{project['id']}")
        by_code = await client.get(f"{PROJECTS}/APOLLO-7")
        assert by_id.json() == by_code.json() == project

        renamed = await client.patch(f"{PROJECTS}/APOLLO-7", json={"code": "APOLLO-8"})
        assert renamed.status_code == 200
        assert_problem(await client.get(f"{PROJECTS}/APOLLO-7"), 404)
        assert_problem(await client.get(f"{PROJECTS}/apollo-8"), 404)
        assert (await client.get(f"{PROJECTS}/APOLLO-8")).json()["id"] == project["id"]
        deleted = await client.delete(f"{PROJECTS}/APOLLO-8", headers={"If-Match": '"2"'})
        assert deleted.status_code == 204
        assert_problem(await client.get(f"{PROJECTS}/{project['id']}"), 404)
