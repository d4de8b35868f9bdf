"""Projects made from a methodology template, and a template applied to a project: milestones
at their offsets (worked by hand below), the project's record of its template version, one
transaction, idempotent replay, and bad bodies refused with nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.templates import service as templates
from tests.factories import assert_problem, count_projects, make_portfolio, make_project
from tests.templates.helpers import TEMPLATES, make_template, stage_gate

FROM = "/api/v1/projects/from-template"


async def _from(
    client: httpx.AsyncClient, template: dict[str, Any], **fields: Any
) -> httpx.Response:
    portfolio = await make_portfolio(client)
    body = {
        "code": fields.pop("code", f"T-{uuid.uuid4().hex[:6].upper()}"),
        "portfolio_id": portfolio["id"],
        "name": "From a template",
        "template_id": template["id"],
        **fields,
    }
    return await client.post(FROM, json=body)


def _dues(project: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {m["name"]: (m["due_date"], m["gate_key"]) for m in project["milestones"]}


class TestForward:
    async def test_offsets_across_a_year_end_with_a_holiday(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/api/v1/holidays", json={"day": "2027-01-01", "name": "New Year"})
        template = await make_template(client)
        response = await _from(client, template, start_date="2026-12-28")
        assert response.status_code == 201, response.text
        made = response.json()
        assert response.headers["location"] == f"/api/v1/projects/{made['id']}"
        # Start Monday 2026-12-28.
        # Kick-off, 0 days: the start itself.
        # Design approved, 5 working days (WORKDAY): 12-29 (1), 12-30 (2), 12-31 (3), 01-01 is
        #   the holiday, 01-02/01-03 the weekend, 01-04 (4), 01-05 (5) → 2027-01-05.
        # Build done, 30 calendar days: 12-28 + 30 = 2027-01-27 (December has 31 days: 3 left
        #   in December, 27 in January).
        # The finish is the latest start-anchored milestone: 2027-01-27; Go-live, 2 calendar
        #   days back from it: 2027-01-25.
        assert _dues(made) == {
            "Kick-off": ("2026-12-28", None),
            "Design approved": ("2027-01-05", "g1"),
            "Build done": ("2027-01-27", None),
            "Go-live": ("2027-01-25", "g2"),
        }
        assert (made["start_date"], made["finish_date"]) == ("2026-12-28", "2027-01-27")
        assert (made["template_id"], made["template_version"]) == (template["id"], 1)
        gates = {m["name"]: m["is_gate"] for m in made["milestones"]}
        assert gates == {
            "Kick-off": False,
            "Design approved": True,
            "Build done": False,
            "Go-live": True,
        }
        weights = {m["name"]: m["weight"] for m in made["milestones"]}
        assert weights["Build done"] == 3.0
        again = (await client.get(f"/api/v1/projects/{made['code']}")).json()
        assert (again["template_id"], again["template_version"]) == (template["id"], 1)

    async def test_working_days_without_the_holiday(self, client: httpx.AsyncClient) -> None:
        template = await make_template(client)
        made = (await _from(client, template, start_date="2026-12-28")).json()
        # No holiday: 12-29 (1), 12-30 (2), 12-31 (3), 01-01 (4), then the weekend, 01-04 (5).
        assert _dues(made)["Design approved"] == ("2027-01-04", "g1")


class TestBackward:
    async def test_offsets_back_from_the_finish(self, client: httpx.AsyncClient) -> None:
        await client.post("/api/v1/holidays", json={"day": "2027-01-01", "name": "New Year"})
        template = await make_template(
            client,
            milestones=[
                {"name": "Start work", "offset_days": 1},
                {"name": "Ten days", "offset_days": 10, "anchor": "finish"},
                {"name": "Sign-off", "offset_days": 3, "anchor": "finish", "working_days": True},
                {"name": "Release", "offset_days": 0, "anchor": "finish", "gate_key": "g2"},
            ],
        )
        made = (await _from(client, template, finish_date="2027-01-04")).json()
        # Finish Monday 2027-01-04.
        # Release, 0 days: the finish itself.
        # Sign-off, 3 working days back: 01-03/01-02 the weekend, 01-01 the holiday,
        #   12-31 (1), 12-30 (2), 12-29 (3) → 2026-12-29.
        # Ten days, 10 calendar days back: 01-04 - 10 = 2026-12-25.
        # The start is the earliest finish-anchored milestone: 2026-12-25; Start work, 1 day
        #   after it: 2026-12-26.
        assert _dues(made) == {
            "Start work": ("2026-12-26", None),
            "Ten days": ("2026-12-25", None),
            "Sign-off": ("2026-12-29", None),
            "Release": ("2027-01-04", "g2"),
        }
        assert (made["start_date"], made["finish_date"]) == ("2026-12-25", "2027-01-04")


class TestVersions:
    async def test_a_new_version_leaves_earlier_projects_untouched(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        template = await make_template(client)
        old = (await _from(client, template, start_date="2026-03-02")).json()
        second = stage_gate(name="v2")
        del second["key"]
        second["milestones"] = [{"name": "Only", "offset_days": 9, "gate_key": "g1"}]
        second["gates"] = [{"key": "g1", "name": "Renamed gate", "criteria": []}]
        response = await client.post(f"{TEMPLATES}/{template['id']}/versions", json=second)
        assert response.status_code == 201, response.text
        new = (await _from(client, template, start_date="2026-03-02")).json()
        assert (new["template_version"], _dues(new)) == (2, {"Only": ("2026-03-11", "g1")})
        pinned = (await _from(client, template, start_date="2026-03-02", template_version=1)).json()
        assert (pinned["template_version"], len(pinned["milestones"])) == (1, 4)
        still = (await client.get(f"/api/v1/projects/{old['code']}")).json()
        assert still["template_version"] == 1
        listed = await client.get(f"/api/v1/projects/{old['code']}/milestones")
        assert len(listed.json()["data"]) == 4
        async with app.state.db.read() as conn:
            gate = await templates.gate_definition(conn, uuid.UUID(old["id"]), "g1")
            assert gate is not None and gate["name"] == "Design gate"
            assert [c["level"] for c in gate["criteria"]] == ["must", "should"]
            assert gate["required_documents"] == ["Specification"]
            newer = await templates.gate_definition(conn, uuid.UUID(new["id"]), "g1")
            assert newer is not None and newer["name"] == "Renamed gate"
            assert await templates.gate_definition(conn, uuid.UUID(old["id"]), "nope") is None
            recorded = await templates.project_template(conn, uuid.UUID(old["id"]))
            assert recorded is not None
            assert (recorded["template_version"], recorded["latest_version"]) == (1, 2)
            assert recorded["reporting_cadence"] == {"every_weeks": 2, "month_end": None}
            bare = await make_project(client)
            assert await templates.project_template(conn, uuid.UUID(bare["id"])) is None


class TestWrites:
    async def test_idempotent_replay(self, client: httpx.AsyncClient) -> None:
        template = await make_template(client)
        portfolio = await make_portfolio(client)
        body = {
            "code": "IDEM-1",
            "portfolio_id": portfolio["id"],
            "name": "Once",
            "template_id": template["id"],
            "start_date": "2026-05-04",
        }
        headers = {"Idempotency-Key": "tpl-once"}
        first = await client.post(FROM, json=body, headers=headers)
        second = await client.post(FROM, json=body, headers=headers)
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json() == second.json()
        assert await count_projects(client) == 1
        changed = await client.post(FROM, json={**body, "name": "Twice"}, headers=headers)
        assert_problem(changed, 422)

    async def test_bad_bodies_name_the_field_and_write_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        template = await make_template(client)
        forward_only = await make_template(
            client, key="forward", milestones=[{"name": "m", "offset_days": 3}]
        )
        cases: list[tuple[dict[str, Any], dict[str, Any], list[Any]]] = [
            (template, {}, ["body", "start_date"]),
            (
                template,
                {"start_date": "2026-01-05", "finish_date": "2026-09-01"},
                ["body", "finish_date"],
            ),
            (forward_only, {"finish_date": "2026-09-01"}, ["body", "start_date"]),
            ({"id": str(uuid.uuid4())}, {"start_date": "2026-01-05"}, ["body", "template_id"]),
            (
                template,
                {"start_date": "2026-01-05", "template_version": 7},
                ["body", "template_version"],
            ),
            (template, {"start_date": "9999-12-30"}, ["body", "start_date"]),
            (template, {"start_date": "2026-01-05", "code": "bad code"}, ["body", "code"]),
        ]
        for chosen, fields, loc in cases:
            assert_problem(await _from(client, chosen, **fields), 422, loc=loc)
        assert await count_projects(client) == 0
        duplicate = await _from(client, template, start_date="2026-01-05", code="DUP-1")
        assert duplicate.status_code == 201
        assert_problem(await _from(client, template, start_date="2026-01-05", code="DUP-1"), 409)
        assert await count_projects(client) == 1

    async def test_a_viewer_cannot_create_from_a_template(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        template = await make_template(client)
        portfolio = await make_portfolio(client)
        body = {
            "code": "VIEW-1",
            "portfolio_id": portfolio["id"],
            "name": "No",
            "template_id": template["id"],
            "start_date": "2026-05-04",
        }
        async with harness.http_client(app, await harness.make_key(app, Role.viewer)) as viewer:
            assert_problem(await viewer.post(FROM, json=body), 403)
        assert await count_projects(client) == 0


class TestApply:
    async def test_apply_to_a_project_without_milestones(self, client: httpx.AsyncClient) -> None:
        template = await make_template(client)
        project = await make_project(client, start_date="2026-03-02")
        apply = f"/api/v1/projects/{project['code']}/apply-template"
        body = {"template_id": template["id"]}
        # Go-live counts back from the finish, which the project lacks.
        assert_problem(await client.post(apply, json=body), 422, loc=["project", "finish_date"])
        assert (await client.get(f"/api/v1/projects/{project['code']}")).json()[
            "template_id"
        ] is None
        patched = await client.patch(
            f"/api/v1/projects/{project['code']}", json={"finish_date": "2026-06-30"}
        )
        assert patched.status_code == 200
        applied = await client.post(apply, json=body)
        assert applied.status_code == 200, applied.text
        # From Monday 2026-03-02: Design approved 5 working days on → 03-09 (Mon); Build done
        # 30 days on → 04-01; Go-live 2 days before 06-30 → 06-28.
        assert _dues(applied.json()) == {
            "Kick-off": ("2026-03-02", None),
            "Design approved": ("2026-03-09", "g1"),
            "Build done": ("2026-04-01", None),
            "Go-live": ("2026-06-28", "g2"),
        }
        assert applied.json()["template_version"] == 1
        assert_problem(await client.post(apply, json=body), 409)


class TestGateKeys:
    async def test_a_milestone_gate_key(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        base = f"/api/v1/projects/{project['code']}/milestones"
        gate = await client.post(
            base, json={"name": "G", "due_date": "2026-02-02", "gate_key": "g1"}
        )
        assert gate.status_code == 201, gate.text
        assert (gate.json()["is_gate"], gate.json()["gate_key"]) == (True, "g1")
        again = {"name": "H", "due_date": "2026-02-03", "gate_key": "g1"}
        assert_problem(await client.post(base, json=again), 409)
        assert_problem(
            await client.post(base, json={**again, "gate_key": "Bad"}),
            422,
            loc=["body", "gate_key"],
        )
        item = f"/api/v1/milestones/{gate.json()['id']}"
        assert_problem(
            await client.patch(item, json={"is_gate": False}), 422, loc=["body", "is_gate"]
        )
        cleared = await client.patch(item, json={"gate_key": None, "is_gate": False})
        assert cleared.status_code == 200, cleared.text
        assert (cleared.json()["is_gate"], cleared.json()["gate_key"]) == (False, None)
        gated = (await client.get(base, params={"is_gate": "false"})).json()["data"]
        assert len(gated) == 1
