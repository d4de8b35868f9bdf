"""A programme's compliance and RAID table are the portfolio's views restricted to the
programme's projects (the same services, grouped by programme), and a key that cannot see the
programme gets a 404."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from typing import Any

import httpx
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from tests.factories import assert_problem, make_portfolio, make_project, post_created
from tests.gql import gql
from tests.programs.test_programs import make_program

AS_OF = "2027-02-01"


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


async def _world(client: httpx.AsyncClient) -> dict[str, Any]:
    """A portfolio with a programme of two projects (one active, one planned) and two projects
    outside it, each with a risk, an issue and an assumption; dependencies inside the
    programme, across its edge, and outside it."""
    portfolio = await make_portfolio(client)
    pid = portfolio["id"]
    program = await make_program(client, pid)
    inside = [
        await make_project(client, pid, program_id=program["id"], status="active"),
        await make_project(client, pid, program_id=program["id"]),
    ]
    outside = [
        await make_project(client, pid, status="active"),
        await make_project(client, pid, status="active"),
    ]
    milestones = {}
    for n, project in enumerate([*inside, *outside]):
        code = project["code"]
        await post_created(
            client,
            f"/api/v1/projects/{code}/risks",
            {"title": f"Risk {code}", "probability": 1 + n, "impact": 2},
        )
        await post_created(client, f"/api/v1/projects/{code}/issues", {"title": f"Issue {code}"})
        await post_created(
            client, f"/api/v1/projects/{code}/assumptions", {"statement": f"Assume {code}"}
        )
        milestones[code] = await post_created(
            client,
            f"/api/v1/projects/{code}/milestones",
            {"name": f"M{n}", "due_date": f"2027-03-{10 + n}"},
        )
    i0, i1 = (milestones[p["code"]]["id"] for p in inside)
    o0, o1 = (milestones[p["code"]]["id"] for p in outside)
    for a, b in ((i0, i1), (o0, i0), (i1, o1), (o0, o1)):
        await post_created(client, "/api/v1/dependencies", {"predecessor_id": a, "successor_id": b})
    return {"portfolio": portfolio, "program": program, "inside": inside, "outside": outside}


class TestProgramCompliance:
    async def test_equals_the_portfolio_view_restricted_to_its_projects(
        self, client: httpx.AsyncClient
    ) -> None:
        world = await _world(client)
        pid, program = world["portfolio"]["id"], world["program"]
        codes = {p["code"] for p in world["inside"]}
        whole = (await _get(client, f"/api/v1/portfolios/{pid}/compliance", as_of=AS_OF)).json()
        body = (
            await _get(client, f"/api/v1/programs/{program['id']}/compliance", as_of=AS_OF)
        ).json()
        assert body["program_id"] == program["id"] and body["portfolio_id"] == pid
        assert body["as_of"] == AS_OF
        restricted = [p for p in whole["projects"] if p["project_code"] in codes]
        assert len(restricted) == 2 and len(whole["projects"]) == 4
        assert body["projects"] == restricted
        # The totals are those of the restricted projects (not the portfolio's).
        counts: dict[str, Counter[str]] = {r["rule"]: Counter() for r in restricted[0]["rules"]}
        for project in restricted:
            for r in project["rules"]:
                counts[r["rule"]][r["result"]] += 1
        assert {
            c["rule"]: (c["met"], c["not_met"], c["not_applicable"]) for c in body["by_rule"]
        } == {rule: (c["met"], c["not_met"], c["not_applicable"]) for rule, c in counts.items()}
        met = sum(c["met"] for c in counts.values())
        judged = met + sum(c["not_met"] for c in counts.values())
        assert body["share_met"] == (round(met / judged, 4) if judged else None)
        # Its CSV: the portfolio CSV's rows of those projects.
        mine = _rows(
            await _get(
                client,
                f"/api/v1/programs/{program['id']}/compliance",
                as_of=AS_OF,
                format="csv",
            )
        )
        theirs = _rows(
            await _get(client, f"/api/v1/portfolios/{pid}/compliance", as_of=AS_OF, format="csv")
        )
        assert mine == [r for r in theirs if r["project_code"] in codes]
        assert len(mine) == 2 * len(body["by_rule"])
        # GraphQL's program.compliance is the same answer.
        found = await gql(
            client,
            """query($id: ID!, $asOf: Date) { program(id: $id) { compliance(asOf: $asOf) {
                 programId asOf shareMet byRule { rule met notMet notApplicable }
                 projects { projectCode shareMet } } } }""",
            id=program["id"],
            asOf=AS_OF,
        )
        shown = found["data"]["program"]["compliance"]
        assert shown["programId"] == program["id"] and shown["shareMet"] == body["share_met"]
        assert [(c["met"], c["notMet"], c["notApplicable"]) for c in shown["byRule"]] == [
            (c["met"], c["not_met"], c["not_applicable"]) for c in body["by_rule"]
        ]
        assert [p["projectCode"] for p in shown["projects"]] == [
            p["project_code"] for p in body["projects"]
        ]

    async def test_a_programme_without_projects(self, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        program = await make_program(client, portfolio["id"])
        body = (await _get(client, f"/api/v1/programs/{program['id']}/compliance")).json()
        assert body["projects"] == [] and body["share_met"] is None
        assert all(c["met"] == c["not_met"] == 0 for c in body["by_rule"])


class TestProgramRaid:
    async def test_equals_the_portfolio_rows_of_its_projects(
        self, client: httpx.AsyncClient
    ) -> None:
        world = await _world(client)
        pid, program = world["portfolio"]["id"], world["program"]
        codes = {p["code"] for p in world["inside"]}

        def of_programme(row: dict[str, Any]) -> bool:
            if row["kind"] != "dependency":
                return row["project_code"] in codes
            # Either end in the programme (`CODE: milestone → CODE: milestone`).
            return any(f"{code}: " in row["title"] for code in codes)

        whole = (await _get(client, f"/api/v1/portfolios/{pid}/raid")).json()["data"]
        body = (await _get(client, f"/api/v1/programs/{program['id']}/raid")).json()
        assert body["program_id"] == program["id"] and body["portfolio_id"] == pid
        assert body["data"] == [r for r in whole if of_programme(r)]
        kinds = Counter(r["kind"] for r in body["data"])
        # Two projects' risks, issues and assumptions; three of the four dependencies.
        assert kinds == {"risk": 2, "issue": 2, "assumption": 2, "dependency": 3}
        mine = _rows(await _get(client, f"/api/v1/programs/{program['id']}/raid", format="csv"))
        theirs = _rows(await _get(client, f"/api/v1/portfolios/{pid}/raid", format="csv"))
        assert mine == [r for r in theirs if of_programme(r)]
        assert len(mine) == 9

    async def test_the_registers_feeds_filter_by_programme(self, client: httpx.AsyncClient) -> None:
        world = await _world(client)
        program = world["program"]["id"]
        codes = sorted(p["code"] for p in world["inside"])
        for feed in ("issues", "assumptions"):
            listed = (await _get(client, f"/api/v1/{feed}", program_id=program)).json()["data"]
            assert sorted(r["project_code"] for r in listed) == codes
        deps = (await _get(client, "/api/v1/dependencies", program_id=program)).json()["data"]
        assert len(deps) == 3
        nothing = str(uuid.uuid4())
        for feed in ("issues", "assumptions", "dependencies"):
            assert (await _get(client, f"/api/v1/{feed}", program_id=nothing)).json()["data"] == []
        assert_problem(
            await client.get("/api/v1/issues", params={"program_id": "x"}),
            422,
            loc=["query", "program_id", 0],
        )


class TestScope:
    async def test_a_programme_the_key_cannot_see_is_404(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        mine, theirs = await make_portfolio(client), await make_portfolio(client)
        visible = await make_program(client, mine["id"], n=1)
        hidden = await make_program(client, theirs["id"], n=2)
        await make_project(client, theirs["id"], program_id=hidden["id"], status="active")
        gone = "00000000-0000-0000-0000-000000000000"
        key = await harness.make_key(app, Role.viewer, [uuid.UUID(mine["id"])])
        async with harness.http_client(app, key) as limited:
            for view in ("compliance", "raid"):
                await _get(limited, f"/api/v1/programs/{visible['id']}/{view}")
                for program in (hidden["id"], gone):
                    path = f"/api/v1/programs/{program}/{view}"
                    assert_problem(await limited.get(path), 404)
                    assert_problem(await limited.get(path, params={"format": "csv"}), 404)
