"""Status reports as CSV, a project's and the feed across projects: one row per report, its
frozen snapshot one cell of JSON text (lossless), text cells safe from formulas."""

from __future__ import annotations

import csv
import io
import json

import httpx

from tests.factories import make_portfolio, make_project, post_created


class TestStatusReportCsv:
    async def test_project_list_and_feed_as_csv(self, client: httpx.AsyncClient) -> None:
        a = await make_portfolio(client)
        project = await make_project(client, a["id"])
        other = await make_project(client)
        base = f"/api/v1/projects/{project['code']}/status-reports"
        report = await post_created(
            client, base, {"period_end": "2026-01-31", "overall": "amber", "summary": "@risk"}
        )
        published = await client.post(f"/api/v1/status-reports/{report['id']}/publish")
        assert published.status_code == 200, published.text
        draft = await post_created(client, base, {"period_end": "2026-02-28"})
        await post_created(
            client, f"/api/v1/projects/{other['code']}/status-reports", {"period_end": "2026-01-31"}
        )

        exported = await client.get(base, params={"format": "csv"})
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert [r["id"] for r in rows] == [report["id"], draft["id"]]
        assert rows[0]["summary"] == "'@risk"
        assert json.loads(rows[0]["snapshot"]) == published.json()["snapshot"]
        assert rows[1]["snapshot"] == ""

        feed = await client.get(
            "/api/v1/status-reports",
            params={"portfolio_id": a["id"], "state": "published", "format": "csv"},
        )
        assert [r["id"] for r in csv.DictReader(io.StringIO(feed.text))] == [report["id"]]
        everything = (await client.get("/api/v1/status-reports")).json()["data"]
        assert len(everything) == 3
