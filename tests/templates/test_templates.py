"""Methodology templates over REST: versions are immutable, a body breaking a rule is a 422
naming its field with nothing written, and only an unlimited admin writes."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, post_created
from tests.templates.helpers import TEMPLATES, make_template, stage_gate


async def _count(client: httpx.AsyncClient) -> int:
    return len((await client.get(TEMPLATES)).json()["data"])


class TestTemplates:
    async def test_create_read_and_publish(self, client: httpx.AsyncClient) -> None:
        made = await make_template(client)
        assert (made["key"], made["template_version"], made["latest_version"]) == (
            "stage-gate",
            1,
            1,
        )
        assert made["milestones"][1] == {
            "name": "Design approved",
            "weight": 1.0,
            "offset_days": 5,
            "anchor": "start",
            "working_days": True,
            "gate_key": "g1",
        }
        assert made["gates"][0]["criteria"][1]["level"] == "should"
        assert made["reporting_cadence"] == {"every_weeks": 2, "month_end": None}
        second = stage_gate(name="Stage-gate v2", reporting_cadence={"month_end": True})
        del second["key"]
        second["milestones"] = second["milestones"][:1]
        second["gates"] = []
        published = await post_created(client, f"{TEMPLATES}/{made['id']}/versions", second)
        assert (published["template_version"], published["name"]) == (2, "Stage-gate v2")
        latest = (await client.get(f"{TEMPLATES}/{made['id']}")).json()
        assert (latest["template_version"], len(latest["milestones"])) == (2, 1)
        first = (await client.get(f"{TEMPLATES}/{made['id']}", params={"version": 1})).json()
        assert (first["template_version"], first["name"], len(first["milestones"])) == (
            1,
            "Stage-gate",
            4,
        )
        versions = (await client.get(f"{TEMPLATES}/{made['id']}/versions")).json()["data"]
        assert [v["template_version"] for v in versions] == [1, 2]
        assert_problem(await client.get(f"{TEMPLATES}/{made['id']}", params={"version": 3}), 404)
        # Beyond a 32-bit integer (the column's type): a 422 naming it, not a database error.
        huge = await client.get(f"{TEMPLATES}/{made['id']}", params={"version": 2**63})
        assert_problem(huge, 422)
        assert huge.json()["errors"][0]["loc"] == ["query", "version"]
        listed = (await client.get(TEMPLATES, params={"q": "STAGE"})).json()["data"]
        assert [t["template_version"] for t in listed] == [2]
        csv = await client.get(TEMPLATES, params={"format": "csv"})
        assert csv.status_code == 200 and "stage-gate" in csv.text

    async def test_bad_bodies_name_the_field_and_write_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        cases = [
            (
                stage_gate(milestones=[{"name": "m", "offset_days": 1, "gate_key": "nope"}]),
                ["body", "milestones", 0, "gate_key"],
            ),
            (
                stage_gate(gates=[{"key": "g", "name": "a"}, {"key": "g", "name": "b"}]),
                ["body", "gates", 1, "key"],
            ),
            (stage_gate(kpis=[{"code": "no_such_kpi"}]), ["body", "kpis", 0, "code"]),
            (
                stage_gate(milestones=[{"name": "m", "offset_days": -1}]),
                ["body", "milestones", 0, "offset_days"],
            ),
            (
                stage_gate(milestones=[{"name": "m", "offset_days": 1, "weight": 0}]),
                ["body", "milestones", 0, "weight"],
            ),
            (
                stage_gate(milestones=[{"name": "m", "offset_days": 1, "anchor": "middle"}]),
                ["body", "milestones", 0, "anchor"],
            ),
            (
                stage_gate(reporting_cadence={"every_weeks": 2, "month_end": True}),
                ["body", "reporting_cadence"],
            ),
            (stage_gate(key="Bad Key"), ["body", "key"]),
        ]
        for body, loc in cases:
            assert_problem(await client.post(TEMPLATES, json=body), 422, loc=loc)
        assert await _count(client) == 0
        await make_template(client)
        assert_problem(await client.post(TEMPLATES, json=stage_gate()), 409)

    async def test_only_an_unlimited_admin_writes(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        made = await make_template(client)
        body = stage_gate(key="other")
        for role in (Role.viewer, Role.editor):
            async with harness.http_client(app, await harness.make_key(app, role)) as other:
                assert_problem(await other.post(TEMPLATES, json=body), 403)
                del_key = {k: v for k, v in body.items() if k != "key"}
                versions = f"{TEMPLATES}/{made['id']}/versions"
                assert_problem(await other.post(versions, json=del_key), 403)
                assert (await other.get(f"{TEMPLATES}/{made['id']}")).status_code == 200
        assert await _count(client) == 1
