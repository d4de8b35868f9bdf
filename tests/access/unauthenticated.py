"""The answer to a request without a valid key, as every access suite checks it."""

from __future__ import annotations

import httpx

from tests.factories import PROBLEM_JSON


def assert_unauthenticated(response: httpx.Response) -> None:
    """A 401 problem with a Bearer challenge."""
    where = f"{response.request.method} {response.request.url}"
    assert response.status_code == 401, (where, response.status_code, response.text[:300])
    assert response.headers["www-authenticate"].startswith("Bearer"), where
    assert response.headers["content-type"] == PROBLEM_JSON, where
    if response.request.method == "HEAD":
        return  # no body to a HEAD
    body = response.json()
    assert body["status"] == 401 and body["title"] and body["type"].endswith("not-authenticated")
