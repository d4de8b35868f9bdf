"""Cost entries over REST: an external reference updates instead of duplicating, a project with
costs is archived rather than deleted (and only when cancelled), and every CSV cell reads back
as the JSON value."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from tests.factories import assert_problem, make_project, post_created


class TestCosts:
    async def test_external_ref_updates_instead_of_duplicating(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/costs"
        body = {"incurred_on": "2026-02-01", "amount": 10.5, "external_ref": "INV-1"}
        first = await client.post(path, json=body)
        assert first.status_code == 201 and first.headers["location"].endswith(first.json()["id"])
        again = await client.post(path, json={**body, "amount": 12})
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"] and again.json()["amount"] == 12.0
        assert again.json()["version"] == 2
        same = await client.post(path, json={**body, "amount": 12})
        assert same.status_code == 200 and same.json()["version"] == 2
        rows = (await client.get(path)).json()["data"]
        assert [r["external_ref"] for r in rows] == ["INV-1"]

    async def test_delete_with_costs_archives_only_when_cancelled(
        self, app: Any, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client, status="active")
        path = f"/api/v1/projects/{project['code']}"
        await post_created(client, f"{path}/costs", {"incurred_on": "2026-01-01", "amount": 5})
        assert_problem(await client.delete(path), 409)
        assert (await client.patch(path, json={"status": "cancelled"})).status_code == 200
        assert (await client.delete(path)).status_code == 204
        assert_problem(await client.get(path), 404)
        assert (await client.get("/api/v1/costs")).json()["data"] == []
        from pmo_api.budget.models import cost_entries
        from pmo_api.projects.models import projects

        async with app.state.db.read() as conn:
            archived = (
                await conn.execute(
                    select(projects.c.archived_at).where(projects.c.code == project["code"])
                )
            ).scalar()
            kept = (await conn.execute(select(cost_entries.c.amount))).scalars().all()
        assert archived is not None and kept == [500]


class TestCostCsv:
    async def test_every_cell_matches_the_json(self, client: httpx.AsyncClient) -> None:
        """On PostgreSQL the CSV is formatted by COPY, elsewhere by Python: either way each
        cell reads back as the JSON value (text with quotes, commas and newlines included)."""
        project = await make_project(client)
        path = f"/api/v1/projects/{project['code']}/costs"
        for i, (amount, text) in enumerate(
            ((0.01, 'He said "hi", then\nleft'), (-1234567.89, None), (1e10, "plain"))
        ):
            await post_created(
                client,
                path,
                {
                    "incurred_on": f"2026-03-0{i + 1}",
                    "amount": amount,
                    "description": text,
                    "external_ref": f"R{i}",
                },
            )
        json_rows = {r["id"]: r for r in (await client.get(path)).json()["data"]}
        response = await client.get(path, headers={"Accept": "text/csv"})
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 3 and list(rows[0]) == list(next(iter(json_rows.values())))
        for row in rows:
            expected = json_rows[row["id"]]
            for name, cell in row.items():
                value = expected[name]
                if name in ("created_at", "updated_at"):
                    assert datetime.fromisoformat(cell) == datetime.fromisoformat(value)
                elif name == "amount":  # "1e10" may print as 10000000000 or 10000000000.0
                    assert float(cell) == value
                else:
                    assert cell == ("" if value is None else str(value)), (name, cell, value)
