"""Every header is in the OpenAPI document, and the document's headers are the server's: the
header parameters each operation declares (core/openapi_headers.py) are honoured, and every
response header it declares required is sent. Also: PATCH bodies are JSON Merge Patch, an
upsert's 200 has the resource's schema, and each CSV answer has a `.csv` path of its own."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio, make_project

MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def _header_parameters(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def _template(app: FastAPI, method: str, url: str) -> dict[str, Any]:
    """The operation of the document that `method url` calls."""
    for path, verb, operation in _operations(app):
        pattern = (
            "^"
            + re.sub(r"{\w+}", "[^/]+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
            + "$"
        )
        if verb == method.lower() and re.match(pattern, url):
            return operation
    raise AssertionError(f"{method} {url} is not in the document")


def _declared(app: FastAPI, response: httpx.Response) -> dict[str, Any]:
    """Check `response` against its operation: its status is documented, and each header the
    document says it sends (required) is there. Returns the declared headers."""
    request = response.request
    operation = _template(app, request.method, request.url.path)
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{request.method} {request.url.path}: {response.status_code}"
    headers: dict[str, Any] = documented.get("headers", {})
    for name, header in headers.items():
        if header.get("required"):
            assert name in response.headers, f"{request.url.path} {response.status_code}: {name}"
    return headers


class TestTheDocument:
    def test_each_operation_declares_the_headers_it_honours(self, app: FastAPI) -> None:
        for path, method, operation in _operations(app):
            declared = _header_parameters(operation)
            codes = operation["responses"]
            creates = method == "post" and "201" in codes
            assert ("Idempotency-Key" in declared) == creates, (method, path)
            assert ("If-None-Match" in declared) == ("304" in codes), (method, path)
            if method in ("patch", "delete") or path.endswith(("/publish", "/transitions")):
                assert "If-Match" in declared, (method, path)
            if creates:
                assert {"Location", "ETag", "Idempotent-Replayed"} <= codes["201"]["headers"].keys()

    def test_patch_bodies_are_merge_patch_and_upserts_answer_the_resource(
        self, app: FastAPI
    ) -> None:
        for path, method, operation in _operations(app):
            if method == "patch":
                assert list(operation["requestBody"]["content"]) == ["application/merge-patch+json"]
            if method == "post" and {"200", "201"} <= operation["responses"].keys():
                ok, created = (operation["responses"][c] for c in ("200", "201"))
                assert ok["content"] == created["content"], path

    def test_every_csv_answer_has_a_path_answering_only_csv(self, app: FastAPI) -> None:
        paths = app.openapi()["paths"]
        offered = [p for p, ops in paths.items() if "text/csv" in _ok(ops.get("get"))]
        twins = [p for p in offered if p.endswith(".csv")]
        assert twins and sorted(twins) == sorted(p + ".csv" for p in offered if p not in twins)
        for twin in twins:
            assert list(_ok(paths[twin]["get"])) == ["text/csv"]


def _ok(operation: dict[str, Any] | None) -> dict[str, Any]:
    content: dict[str, Any] = (
        (operation or {}).get("responses", {}).get("200", {}).get("content", {})
    )
    return content


class TestTheServerSendsThem:
    async def test_idempotency_key_replays(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        body = {"name": "Replayed", "currency": "EUR"}
        key = {"Idempotency-Key": "headers-test-1"}
        first = await client.post("/api/v1/portfolios", json=body, headers=key)
        again = await client.post("/api/v1/portfolios", json=body, headers=key)
        assert first.status_code == again.status_code == 201
        assert "Idempotent-Replayed" in _declared(app, again)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.headers["Location"] == first.headers["Location"]
        assert again.json() == first.json()

    async def test_a_key_outside_its_pattern_is_refused_and_creates_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        # The spec says `^[!-~]+$`, 1 to 255: a space inside, a non-ASCII character (sent as
        # UTF-8 bytes) or 256 characters are 400s, as `make fuzz` checks.
        before = len((await client.get("/api/v1/portfolios", params={"limit": 500})).json()["data"])
        for key in (b"a b", "clé".encode(), b"k" * 256):
            refused = await client.post(
                "/api/v1/portfolios",
                json={"name": "Never", "currency": "EUR"},
                headers={"Idempotency-Key": key},
            )
            assert refused.status_code == 400, (key, refused.text)
        after = len((await client.get("/api/v1/portfolios", params={"limit": 500})).json()["data"])
        assert after == before

    async def test_etag_if_match_and_if_none_match(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"/api/v1/projects/{project['id']}"
        read = await client.get(url)
        _declared(app, read)
        tag = read.headers["ETag"]
        unchanged = await client.get(url, headers={"If-None-Match": tag})
        assert unchanged.status_code == 304
        _declared(app, unchanged)
        stale = await client.patch(
            url, json={"name": "x"}, headers={**MERGE_PATCH, "If-Match": '"999"'}
        )
        assert stale.status_code == 412
        patched = await client.patch(
            url, json={"name": "Renamed"}, headers={**MERGE_PATCH, "If-Match": tag}
        )
        assert patched.status_code == 200, patched.text
        _declared(app, patched)
        assert patched.headers["ETag"] != tag

    async def test_pages_link_the_next(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        portfolio = await make_portfolio(client)
        for _ in range(3):
            await make_project(client, portfolio["id"])
        page = await client.get("/api/v1/projects", params={"limit": 2})
        assert "Link" in _declared(app, page)
        assert 'rel="next"' in page.headers["Link"]
        assert page.json()["next_cursor"] in page.headers["Link"]

    async def test_an_upsert_answers_the_resource_with_its_headers(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"/api/v1/projects/{project['id']}/costs"
        body = {"amount": "10.00", "incurred_on": "2026-01-15", "external_ref": "INV-1"}
        created = await client.post(url, json=body)
        assert created.status_code == 201, created.text
        _declared(app, created)
        updated = await client.post(url, json={**body, "amount": "12.50"})
        assert updated.status_code == 200, updated.text
        _declared(app, updated)
        assert updated.json()["id"] == created.json()["id"]

    async def test_a_csv_path_is_the_list_as_csv(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        await make_project(client)
        twin = await client.get("/api/v1/projects.csv", params={"sort": "code"})
        assert twin.status_code == 200
        assert twin.headers["content-type"].startswith("text/csv")
        _declared(app, twin)
        direct = await client.get("/api/v1/projects", params={"sort": "code", "format": "csv"})
        assert twin.text == direct.text
        repeated = await client.get("/api/v1/projects.csv", params={"format": "json"})
        assert repeated.status_code == 422
