"""GraphQL over milestones, costs, budget lines and progress as the roles and the portfolio scope
of a key allow (CONTRACT §7): a viewer reads but does not write, and a key of another portfolio
sees nothing, typed errors and all."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import list_all, make_portfolio, make_project
from tests.gql import gql
from tests.graphql_plan import get_json, planned_project


class TestTypedErrors:
    async def test_a_viewer_may_read_but_not_write(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        project = await planned_project(client)
        cost_id = (await list_all(client, f"/api/v1/projects/{project['code']}/costs"))[0]["id"]
        viewer = await harness.make_key(app, Role.viewer)
        async with harness.http_client(app, viewer) as as_viewer:
            read = await gql(
                as_viewer,
                f"""{{ project(code: "{project["code"]}") {{ milestones {{ id }} evm {{ bac }} }}
                     cost(id: "{cost_id}") {{ amount }} }}""",
            )
            assert len(read["data"]["project"]["milestones"]) == 2
            assert read["data"]["cost"]["amount"] == 100.25
            writes = await gql(
                as_viewer,
                f"""mutation {{
                     a: createMilestone(project: "{project["code"]}",
                        input: {{name: "x", dueDate: "2026-01-01"}}) {{ __typename }}
                     b: updateCost(id: "{cost_id}", patch: {{amount: 1}}) {{ __typename }}
                     c: replaceBudgetLines(project: "{project["code"]}", lines: []) {{ __typename }}
                     d: deleteCost(id: "{cost_id}") {{ __typename }} }}""",
            )
        assert all(v == {"__typename": "ForbiddenError"} for v in writes["data"].values()), writes
        assert (await get_json(client, f"/api/v1/costs/{cost_id}"))["version"] == 1

    async def test_a_key_of_another_portfolio_sees_nothing(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        project = await planned_project(client)
        code = project["code"]
        base = f"/api/v1/projects/{code}"
        milestone_id = (await list_all(client, f"{base}/milestones"))[0]["id"]
        cost_id = (await list_all(client, f"{base}/costs"))[0]["id"]
        progress_id = (await list_all(client, f"{base}/progress"))[0]["id"]
        other = await make_portfolio(client)
        await make_project(client, other["id"])
        key = await harness.make_key(app, Role.editor, [uuid.UUID(other["id"])])
        async with harness.http_client(app, key) as outsider:
            reads = await outsider.post(
                "/graphql",
                json={
                    "query": f"""{{ project(code: "{code}") {{ id milestones {{ id }} }}
                     milestone(id: "{milestone_id}") {{ id }} cost(id: "{cost_id}") {{ id }}
                     costs {{ nodes {{ id }} }}
                     portfolio(id: "{project["portfolio_id"]}") {{ evm {{ rollup {{ bac }} }} }}
                     }}"""
                },
            )
            assert reads.json()["data"] == {
                "project": None,
                "milestone": None,
                "cost": None,
                "costs": {"nodes": []},
                "portfolio": None,
            }
            writes = await outsider.post(
                "/graphql",
                json={
                    "query": f"""mutation {{
                     a: createMilestone(project: "{code}",
                        input: {{name: "x", dueDate: "2026-01-01"}}) {{ __typename }}
                     b: updateMilestone(id: "{milestone_id}", patch: {{name: "y"}})
                        {{ __typename }}
                     c: deleteCost(id: "{cost_id}") {{ __typename }}
                     d: recordCost(project: "{code}",
                        input: {{incurredOn: "2026-01-01", amount: 1}}) {{ __typename }}
                     e: replaceBudgetLines(project: "{code}", lines: []) {{ __typename }}
                     f: updateProgress(id: "{progress_id}", patch: {{note: "n"}})
                        {{ __typename }}
                     g: deleteProgress(id: "{progress_id}") {{ __typename }} }}"""
                },
            )
        body = writes.json()
        assert all(v == {"__typename": "NotFoundError"} for v in body["data"].values()), body
        # Nothing of the other portfolio comes back, but for the ids the caller sent itself.
        answers = reads.text + writes.text
        assert not {project["id"], project["portfolio_id"], project["name"]} & {
            s for s in (project["id"], project["portfolio_id"]) if s in answers
        }
        assert "design" not in answers and "INV-" not in answers
        assert len(await list_all(client, f"{base}/milestones")) == 2
        assert len(await list_all(client, f"{base}/costs")) == 3
        assert (await get_json(client, f"/api/v1/progress/{progress_id}"))["version"] == 1
