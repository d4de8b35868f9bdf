"""The committed contract files are exactly what the code generates (CONTRACT §2 'spec'), and the
spec describes what the app sends (pinned since `make fuzz` found a spec that described what the
app never sends)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pmo_api import __version__
from pmo_api.contract import contract_files, openapi_document

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
PROBLEM = "application/problem+json"


def _operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = openapi_document()["paths"][path][method]
    return operation


class TestContractFiles:
    def test_committed_files_match_the_code(self) -> None:
        for name, generated in contract_files().items():
            committed = (OPENAPI_DIR / name).read_text()
            assert committed == generated, f"openapi/{name} drifts: run `make openapi`"

    def test_generation_is_deterministic(self) -> None:
        assert contract_files() == contract_files()

    def test_info_version_is_the_last_release_of_the_change_log(self) -> None:
        """docs/versioning.md: `info.version` follows CHANGELOG.md's releases."""
        changelog = (OPENAPI_DIR.parent / "CHANGELOG.md").read_text()
        released = re.findall(r"^## (\d+\.\d+\.\d+) \(\d{4}-\d{2}-\d{2}\)$", changelog, re.M)
        assert released, "CHANGELOG.md names no release"
        assert openapi_document()["info"]["version"] == __version__ == released[0]


class TestSpec:
    """The committed spec describes what the app sends (TestContractFiles keeps the file equal to
    the code)."""

    def test_every_schema_has_a_name_of_its_own(self) -> None:
        # Two models of one name in different modules become `pmo_api__x__schemas__Name` keys
        # with the same title: a generated client (make example) refuses the duplicate model.
        schemas = openapi_document()["components"]["schemas"]
        titles = [s.get("title", name) for name, s in schemas.items()]
        assert [n for n in schemas if "__" in n] == []
        assert sorted(t for t in set(titles) if titles.count(t) > 1) == []

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
