"""A project created through REST reads back the same by its id and by its code."""

from __future__ import annotations

import httpx

from tests.factories import make_project


class TestProjectRoundTrip:
    async def test_created_project_reads_back_by_id_and_code(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await make_project(client, budget=1234.56)
        by_id = await client.get(f"/api/v1/projects/{created['id']}")
        by_code = await client.get(f"/api/v1/projects/{created['code']}")
        assert by_id.json() == by_code.json() == created
        assert by_id.headers["etag"].startswith('"1-')
        assert created["budget"] == 1234.56
