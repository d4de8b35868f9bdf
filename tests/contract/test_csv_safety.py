"""CSV that is safe and lossless: a text cell a spreadsheet would run as a formula is written
with a leading apostrophe in every export (PostgreSQL's COPY ones included), numbers stay
numbers, list cells split back exactly through a real CSV reader, and the JSON keeps exactly
what was stored."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.factories import isolated_client, make_portfolio, make_project

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLANTED = {
    "name": '=HYPERLINK("http://evil.example","open me")',
    "description": "+cmd|' /C calc'!A0",
    "sponsor": "@SUM(1+1)*cmd",
    "manager": "-2+3",
    "tags": ["plain", "b|c", "=1+1", 'quote " and, comma'],
}


@pytest.fixture
async def private_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    # CSV streams run on an app of their own (see tests/projects/test_project_lists.py).
    async with isolated_client(database_url) as http:
        yield http


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _assert_no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), (column, cell)


class TestFormulaCells:
    async def test_every_export_neutralises_formula_text_and_keeps_numbers(
        self, private_client: httpx.AsyncClient
    ) -> None:
        http = private_client
        portfolio = await make_portfolio(http)
        project = await make_project(http, portfolio["id"], **PLANTED)
        code = project["code"]
        cost = await http.post(
            f"/api/v1/projects/{code}/costs",
            json={
                "incurred_on": "2026-01-10",
                "amount": -12.5,
                "category": "=cmd",
                "description": "-2+3",
                "external_ref": "@ref",
            },
        )
        assert cost.status_code == 201, cost.text
        risk = await http.post(
            f"/api/v1/projects/{code}/risks",
            json={
                "title": "t",
                "description": "\tTAB",
                "probability": 2,
                "impact": 3,
                "owner": "+owner",
            },
        )
        assert risk.status_code == 201, risk.text
        milestone = await http.post(
            f"/api/v1/projects/{code}/milestones",
            json={"name": "m", "description": "\rCR", "due_date": "2026-03-01"},
        )
        assert milestone.status_code == 201, milestone.text

        projects = _rows(await http.get("/api/v1/projects", params={"format": "csv"}))
        costs = _rows(await http.get("/api/v1/costs", params={"format": "csv"}))
        risks = _rows(await http.get("/api/v1/risks", params={"format": "csv"}))
        milestones = _rows(
            await http.get(f"/api/v1/projects/{code}/milestones", params={"format": "csv"})
        )
        audit = _rows(await http.get("/api/v1/audit-events", params={"format": "csv"}))
        for rows in (projects, costs, risks, milestones, audit):
            assert rows
            _assert_no_formula(rows)

        (row,) = projects
        assert row["name"] == "'" + PLANTED["name"]
        assert row["description"] == "'" + PLANTED["description"]
        assert row["sponsor"] == "'" + PLANTED["sponsor"]
        assert row["manager"] == "'" + PLANTED["manager"]
        (cost_row,) = costs
        assert float(cost_row["amount"]) == -12.5  # a number, not neutralised text
        assert cost_row["description"] == "'-2+3"
        assert cost_row["category"] == "'=cmd"
        assert cost_row["external_ref"] == "'@ref"
        assert risks[0]["description"] == "'\tTAB"
        assert risks[0]["owner"] == "'+owner"
        assert milestones[0]["description"] == "'\rCR"

        # The JSON is what was stored, untouched.
        stored = (await http.get(f"/api/v1/projects/{code}")).json()
        assert {k: stored[k] for k in PLANTED} == PLANTED
        assert (await http.get("/api/v1/risks")).json()["data"][0]["description"] == "\tTAB"
        assert (await http.get("/api/v1/costs")).json()["data"][0]["amount"] == -12.5


class TestListCells:
    async def test_a_list_cell_splits_back_exactly(self, private_client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(private_client)
        lists = {
            "tags": ["a", "b|c", "x,y"],
            "objectives": ['say "hi"', "line\nbreak"],
            "deliverables": [],
            "constraints": ["=not a formula inside a list"],
        }
        project = await make_project(private_client, portfolio["id"], **lists)
        (row,) = _rows(await private_client.get("/api/v1/projects", params={"format": "csv"}))
        assert {name: json.loads(row[name]) for name in lists} == {
            name: project[name] for name in lists
        }
