"""Conditional requests on projects and portfolios: an ETag on each, 304 while it holds,
If-Match that refuses a stale version (412, nothing changes) and lets the current one delete."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import (
    assert_problem,
    expect_all,
    install_response_guard,
    make_project,
)

PROJECTS = "/api/v1/projects"
PORTFOLIOS = "/api/v1/portfolios"


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestConditionalGet:
    async def test_portfolio_and_project_carry_an_etag_and_answer_304_while_it_holds(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        urls = [
            f"{PORTFOLIOS}/{project['portfolio_id']}",
            f"{PROJECTS}/{project['id']}",
            f"{PROJECTS}/{project['code']}",
        ]
        tags = {}
        for url in urls:
            fresh = await client.get(url)
            tags[url] = tag = fresh.headers["etag"]
            assert tag.startswith('"1-')  # the version, then a digest of the representation
            cached = await client.get(url, headers={"If-None-Match": tag})
            assert cached.status_code == 304
            assert cached.content == b""
            assert cached.headers["etag"] == tag

        for url in urls[:2]:
            assert (await client.patch(url, json={"description": "new"})).status_code == 200
        for url in urls:
            stale = await client.get(url, headers={"If-None-Match": tags[url]})
            assert stale.status_code == 200
            assert stale.headers["etag"].startswith('"2-')
            assert stale.json()["version"] == 2
            current = {"If-None-Match": stale.headers["etag"]}
            assert (await client.get(url, headers=current)).status_code == 304


class TestConditionalRequests:
    async def test_stale_if_match_is_412_on_patch_and_delete_and_nothing_changes(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        portfolio = (await client.get(f"{PORTFOLIOS}/{project['portfolio_id']}")).json()
        url = f"{PROJECTS}/{project['id']}"
        pf_url = f"{PORTFOLIOS}/{portfolio['id']}"
        stale = {"If-Match": '"7"'}
        await expect_all(
            [
                ("patch", lambda: client.patch(url, json={"name": "x"}, headers=stale), 412, None),
                ("delete", lambda: client.delete(url, headers=stale), 412, None),
                ("garbage", lambda: client.delete(url, headers={"If-Match": "v1"}), 412, None),
                ("pf patch", lambda: client.patch(pf_url, json={"owner": "o"}, headers=stale),
                 412, None),
                ("pf delete", lambda: client.delete(pf_url, headers=stale), 412, None),
            ]
        )  # fmt: skip
        assert (await client.get(url)).json() == project
        assert (await client.get(pf_url)).json() == portfolio

    async def test_current_if_match_deletes(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        deleted = await client.delete(url, headers={"If-Match": '"1"'})
        assert deleted.status_code == 204
        assert deleted.content == b""
        assert_problem(await client.get(url), 404)
        assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 404)

    async def test_if_none_match_with_the_current_version_is_304(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"
        current = (await client.get(url)).headers["etag"]
        for tag in (current, f"W/{current}", f'"0", {current}', "*"):
            response = await client.get(url, headers={"If-None-Match": tag})
            assert response.status_code == 304, tag
            assert response.content == b""
            assert response.headers["etag"] == current
        # The version alone names no representation: the whole answer comes back.
        assert (await client.get(url, headers={"If-None-Match": '"1"'})).status_code == 200
