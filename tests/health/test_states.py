"""Health judges only projects in flight (`active`, `on_hold`): a project not started yet
(proposed, approved) or closed (completed, cancelled) has `health` null and says why, over
REST (the project, its health, its CSV row) and GraphQL. And the project's ETag follows its
health: a change of health changes the ETag (no 304 hides it), while `If-Match` still names
only the stored version (a write never fails because health moved)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.factories import make_project, post_created
from tests.gql import gql


def _day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


# A plan wholly in the past with nothing earned: SPI 0, red for any project judged.
BEHIND = {"budget": 1000, "start_date": _day(-60), "finish_date": _day(-31)}


class TestHealthByState:
    @pytest.mark.parametrize(
        ("status", "health", "reason"),
        [
            ("proposed", None, "not started"),
            ("approved", None, "not started"),
            ("active", "red", None),
            ("on_hold", "red", None),
            ("completed", None, "closed"),
            ("cancelled", None, "closed"),
        ],
    )
    async def test_only_a_project_in_flight_is_judged(
        self, client: httpx.AsyncClient, status: str, health: str | None, reason: str | None
    ) -> None:
        project = await make_project(client, status=status, **BEHIND)
        assert (project["health"], project["health_reason"]) == (health, reason)
        code = project["code"]
        got = (await client.get(f"/api/v1/projects/{code}")).json()
        assert (got["health"], got["health_reason"]) == (health, reason)

        explained = (await client.get(f"/api/v1/projects/{code}/health")).json()
        assert (explained["health"], explained["reason"]) == (health, reason)
        assert [r["rule"] for r in explained["rules"]] == [
            "cost",
            "schedule",
            "milestones",
            "risks",
        ]
        if health is None:
            assert explained["decided_by"] == []
            assert all(r["status"] is None for r in explained["rules"])
            assert all(reason in r["detail"] for r in explained["rules"])
        else:
            assert explained["decided_by"] == ["schedule"]

        rows = csv.DictReader(io.StringIO((await client.get("/api/v1/projects?format=csv")).text))
        row = next(r for r in rows if r["code"] == code)
        assert (row["health"], row["health_reason"]) == (health or "", reason or "")

        query = "query($c: String!) { project(code: $c) { health healthReport { health reason } } }"
        answer = await gql(client, query, c=code)
        node = answer["data"]["project"]
        shown = None if health is None else health.upper()
        assert node == {"health": shown, "healthReport": {"health": shown, "reason": reason}}

    async def test_a_project_created_a_minute_ago_is_not_red(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, **BEHIND)  # proposed: the default
        assert project["health"] is None
        red = await client.get("/api/v1/projects", params={"health": "red"})
        assert red.json()["data"] == []


class TestEtagFollowsHealth:
    async def test_health_changes_the_etag_but_not_the_if_match(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, status="active", budget=1000)
        url = f"/api/v1/projects/{project['code']}"
        before = await client.get(url)
        assert before.json()["health"] == "green"
        old_tag = before.headers["etag"]
        assert (await client.get(url, headers={"If-None-Match": old_tag})).status_code == 304

        # A critical risk: the project's row (and version) is unchanged, its health is not.
        await post_created(
            client, f"{url}/risks", {"title": "vendor", "probability": 5, "impact": 5}
        )
        after = await client.get(url, headers={"If-None-Match": old_tag})
        assert after.status_code == 200  # no 304 hides the changed answer
        assert after.json()["health"] == "red"
        assert after.json()["version"] == before.json()["version"]
        assert after.headers["etag"] != old_tag

        # The write compares only the version: the old ETag (same version) still writes.
        patched = await client.patch(url, json={"priority": 2}, headers={"If-Match": old_tag})
        assert patched.status_code == 200, patched.text
        stale = await client.patch(url, json={"priority": 3}, headers={"If-Match": old_tag})
        assert stale.status_code == 412
