"""Unknown paths and resources are 404 problems, wrong methods 405 problems listing the methods
the resource supports.
What all bad input must answer: tests/contract/cases.py."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.contract.cases import (
    PORTFOLIOS,
    PROJECTS,
)
from tests.factories import (
    expect_all,
    install_response_guard,
    make_project,
)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestUnknownRoutesAndMethods:
    async def test_unknown_paths_and_resources_are_404_problems(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = str(uuid.uuid4())
        paths = [
            "/api/v1/nope",
            "/nope",
            "/api/v2/projects",
            f"{PROJECTS}/NOPE-1",
            f"{PROJECTS}/{missing}",
            f"{PROJECTS}/not%20a%20code",
            f"{PORTFOLIOS}/{missing}",
            f"{PORTFOLIOS}/{missing}/objectives",
        ]
        await expect_all([(p, lambda p=p: client.get(p), 404, None) for p in paths])
        await expect_all(
            [
                ("patch", lambda: client.patch(f"{PROJECTS}/{missing}", json={}), 404, None),
                ("delete", lambda: client.delete(f"{PROJECTS}/NOPE-1"), 404, None),
                ("delete pf", lambda: client.delete(f"{PORTFOLIOS}/{missing}"), 404, None),
            ]
        )

    async def test_wrong_methods_are_405_problems(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        await expect_all(
            [
                ("put collection", lambda: client.put(PROJECTS, json={}), 405, None),
                ("delete collection", lambda: client.delete(PROJECTS), 405, None),
                ("post item", lambda: client.post(url, json={}), 405, None),
                ("put item", lambda: client.put(url, json={}), 405, None),
                ("delete portfolios", lambda: client.delete(PORTFOLIOS), 405, None),
            ]
        )
        assert (await client.get(url)).json() == project

    async def test_a_405_lists_every_method_the_resource_supports_in_allow(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.put(PROJECTS, json={})
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers.get("allow", "").split(",")}
        assert {"GET", "POST"} <= allowed, response.headers.get("allow")

    async def test_a_path_written_out_in_full_allows_only_its_own_methods(
        self, client: httpx.AsyncClient
    ) -> None:
        # /projects/from-template also matches the template /projects/{project} (GET, PATCH,
        # DELETE), but the router serves it as its own route: only POST is allowed there.
        response = await client.put("/api/v1/projects/from-template", json={})
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == "POST"
