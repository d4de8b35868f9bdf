"""docs/versioning.md's deprecation, as core/deprecation.py does it: one mark on an endpoint
gives the `Deprecation`, `Sunset` and `Link` headers on its answers and `deprecated: true` (with
those response headers and its replacement) in the OpenAPI document; a sunset sooner than six
months after the deprecation is refused where it is written. No operation is deprecated in
this release, so the mark is tried on an app of its own, assembled by the same OpenAPI code."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from starlette.responses import Response

from pmo_api.core.deprecation import deprecated
from pmo_api.core.openapi import document_responses
from pmo_api.core.responses import JSONResponse


def _app() -> FastAPI:
    router = APIRouter()

    @router.get("/api/v1/old", operation_id="old")
    @deprecated(since=date(2027, 1, 4), sunset=date(2027, 7, 5), use="`GET /api/v1/new`")
    async def old(limit: int = 10) -> Response:
        """The old way."""
        return JSONResponse({"limit": limit})

    @router.get("/api/v1/new", operation_id="new")
    async def new() -> Response:
        return JSONResponse({})

    app = FastAPI()
    app.include_router(router)
    document_responses(app)
    return app


async def test_a_deprecated_operation_says_so_in_its_answers_and_the_document() -> None:
    app = _app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        answer = await client.get("/api/v1/old", params={"limit": 3})
        current = await client.get("/api/v1/new")
    assert answer.json() == {"limit": 3}  # the parameters still reach it
    assert answer.headers["Deprecation"] == "@1799020800"  # 2027-01-04T00:00:00Z
    assert answer.headers["Sunset"] == "Mon, 05 Jul 2027 00:00:00 GMT"
    assert 'rel="deprecation"' in answer.headers["Link"]
    assert "Deprecation" not in current.headers

    paths = app.openapi()["paths"]
    old, new = paths["/api/v1/old"]["get"], paths["/api/v1/new"]["get"]
    assert old["deprecated"] is True and "deprecated" not in new
    assert "use `GET /api/v1/new`" in old["description"]
    assert [p["name"] for p in old["parameters"]] == ["limit"]
    headers = old["responses"]["200"]["headers"]
    assert headers["Deprecation"]["required"] and headers["Sunset"]["required"]


def test_a_sunset_sooner_than_six_months_is_refused() -> None:
    with pytest.raises(ValueError, match="six months"):
        deprecated(since=date(2027, 1, 4), sunset=date(2027, 3, 1), use="x")
