"""What schemathesis (`make fuzz`) found, each pinned by a test through the real app, so that it
stays fixed without the fuzzer: server errors, answers the spec did not describe, and a spec
that described what the app never sends."""

from __future__ import annotations

from typing import Any

import httpx

from pmo_api.contract import openapi_document
from tests.factories import assert_problem, make_project
from tests.gql import gql

PROBLEM = "application/problem+json"


def _operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = openapi_document()["paths"][path][method]
    return operation


class TestGraphQLBody:
    async def test_a_json_body_that_is_not_an_object_is_a_400_not_a_500(
        self, client: httpx.AsyncClient
    ) -> None:
        for body in (b'"AAA"', b"42", b"null", b"true"):
            response = await client.post(
                "/graphql", content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 400, (body, response.status_code, response.text)

    async def test_a_body_that_is_not_utf8_is_a_400_not_a_500(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/graphql", content=b"\x95]\xff:lC", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, (response.status_code, response.text)

    async def test_errors_of_our_rules_carry_a_code(self, client: httpx.AsyncClient) -> None:
        """A page size out of range is the caller's to fix: `BAD_USER_INPUT`, like REST's 422,
        so that it reads apart from a failure of the server (which has no code)."""
        body = await gql(client, "{ portfolios(first: 0) { nodes { id } } }")
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error


class TestKpiValuesCsv:
    async def test_too_long_a_range_is_a_422_before_the_stream_starts(
        self, client: httpx.AsyncClient
    ) -> None:
        """It was a 200 whose chunked body broke off (the check ran inside the stream)."""
        await make_project(client)
        params = {"from": "1900-01-01", "to": "2026-01-31"}
        for fmt in ("csv", "json"):
            response = await client.get("/api/v1/kpi-values", params={**params, "format": fmt})
            assert_problem(response, 422, loc=["query", "from"])


class TestBudgetLinePeriod:
    async def test_year_zero_is_a_422_not_a_500(self, client: httpx.AsyncClient) -> None:
        project = await make_project(client)
        line = {"period": "0000-01", "category": "general", "amount": 100}
        response = await client.put(
            f"/api/v1/projects/{project['id']}/budget-lines", json={"lines": [line]}
        )
        assert_problem(response, 422, loc=["body", "lines", 0, "period"])
        for period in ("0001-01", "9999-12"):
            line["period"] = period
            response = await client.put(
                f"/api/v1/projects/{project['id']}/budget-lines", json={"lines": [line]}
            )
            assert response.status_code == 200, response.text
            evm = await client.get(f"/api/v1/projects/{project['id']}/evm")
            assert evm.status_code == 200, evm.text


class TestSpec:
    """The committed spec describes what the app sends (tests/test_contract.py keeps the file
    equal to the code)."""

    def test_bodies_are_documented_by_their_models_not_as_strings(self) -> None:
        ok = _operation("/api/v1/projects", "get")["responses"]["200"]["content"]
        assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/ProjectPage"}
        assert ok["text/csv"]["schema"] == {"type": "string"}
        created = _operation("/api/v1/portfolios", "post")["responses"]["201"]["content"]
        assert created["application/json"]["schema"] == {
            "$ref": "#/components/schemas/PortfolioOut"
        }
        health = _operation("/healthz", "get")["responses"]["200"]["content"]
        assert health["application/json"]["schema"] == {"$ref": "#/components/schemas/Liveness"}

    def test_errors_are_problem_json_only(self) -> None:
        for path, operations in openapi_document()["paths"].items():
            for method, operation in operations.items():
                for status, response in operation["responses"].items():
                    content = response.get("content", {})
                    if PROBLEM in content:
                        assert content == {
                            PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        }, (method, path, status)

    def test_every_operation_with_a_key_documents_401_429_and_503(self) -> None:
        for path, operations in openapi_document()["paths"].items():
            for method, operation in operations.items():
                responses = operation["responses"]
                assert "400" in responses, (method, path)  # a NUL in the URL, anywhere
                if operation.get("security") == []:
                    continue
                for status in ("401", "429", "503"):
                    assert status in responses, (method, path, status)
                assert responses["429"]["headers"]["Retry-After"]["required"] is True

    def test_csv_lists_document_csv(self) -> None:
        for path in (
            "/api/v1/projects/{project}/budget-lines",
            "/api/v1/projects/{project}/kpis/{kpi_code}/measurements",
            "/api/v1/audit-events",
        ):
            content = _operation(path, "get")["responses"]["200"]["content"]
            assert "text/csv" in content, path

    def test_graphql_documents_its_body_and_answers(self) -> None:
        post = _operation("/graphql", "post")
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        assert schema["required"] == ["query"]
        assert {"200", "400", "401", "429"} <= set(post["responses"])
        get = _operation("/graphql", "get")
        assert {"application/json", "text/html"} == set(get["responses"]["200"]["content"])
