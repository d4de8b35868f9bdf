"""Values of the wrong type, unknown fields, and null for fields that cannot be cleared: each a 422
naming the field, values coerced by a lax parser included (the contract's types, not pydantic's).
What all bad input must answer: tests/contract/cases.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.contract.cases import (
    JSON,
    PORTFOLIOS,
    PROJECTS,
    create_cases_are_422,
    project_body,
)
from tests.factories import (
    count_projects,
    expect_all,
    install_response_guard,
    make_portfolio,
    make_project,
)


@pytest.fixture(autouse=True)
def _guard(client: httpx.AsyncClient) -> None:
    install_response_guard(client)


class TestWrongTypesOnCreate:
    async def test_each_wrongly_typed_field_is_422_naming_it_and_nothing_is_written(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_cases_are_422(
            client,
            [
                ("priority", "abc"),
                ("priority", 2.5),
                ("budget", "x"),
                ("budget", [1]),
                ("start_date", "notadate"),
                ("start_date", "2030-02-30"),
                ("finish_date", 20300101),
                ("tags", "a,b"),
                ("objectives", "grow"),
                ("deliverables", {"a": 1}),
                ("portfolio_id", "not-a-uuid"),
                ("name", 123),
                ("status", "done"),
                ("ev_method", "magic"),
            ],
        )

    async def test_a_body_that_is_not_an_object_is_422(self, client: httpx.AsyncClient) -> None:
        await expect_all(
            [
                ("array", lambda: client.post(PROJECTS, json=[1, 2]), 422, ["body"]),
                ("string", lambda: client.post(PROJECTS, json="x"), 422, ["body"]),
                ("empty", lambda: client.post(PROJECTS, headers=JSON), 422, ["body"]),
            ]
        )
        assert await count_projects(client) == 0


class TestUnknownFields:
    async def test_unknown_field_on_create_is_422_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_cases_are_422(client, [("colour", "red"), ("health", "green")])

    async def test_unknown_field_on_patch_is_422_and_the_project_is_unchanged(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        url = f"{PROJECTS}/{project['id']}"

        await expect_all(
            [
                (f, lambda f=f: client.patch(url, json={f: "x"}), 422, ["body", f])
                for f in ("colour", "currency", "health", "id", "version")
            ]
        )
        assert (await client.get(url)).json() == project


class TestNullForRequiredFieldsInPatch:
    async def test_null_for_a_field_that_cannot_be_cleared_is_422_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        project = await make_project(client)
        portfolio = (await client.get(f"{PORTFOLIOS}/{project['portfolio_id']}")).json()
        url = f"{PROJECTS}/{project['id']}"
        required = (
            "code", "portfolio_id", "name", "objectives", "deliverables", "constraints",
            "priority", "status", "budget", "ev_method", "tags",
        )  # fmt: skip
        pf_url = f"{PORTFOLIOS}/{portfolio['id']}"
        await expect_all(
            [(f, lambda f=f: client.patch(url, json={f: None}), 422, ["body", f]) for f in required]
            + [
                (
                    f"portfolio {f}",
                    lambda f=f: client.patch(pf_url, json={f: None}),
                    422,
                    ["body", f],
                )
                for f in ("name", "currency")
            ]
        )
        assert (await client.get(url)).json() == project
        assert (await client.get(pf_url)).json() == portfolio


class TestTypesAsTheContractWritesThem:
    """Values pydantic's lax mode would coerce are refused as the OpenAPI document types them
    (core/inputs.py): no boolean or text for a number, no number for a date or a boolean."""

    async def test_lax_body_values_are_422_naming_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_cases_are_422(
            client,
            [
                ("budget", True),
                ("budget", "1e3"),
                ("budget", "NaN"),
                ("budget", " 100"),
                ("priority", False),
                ("priority", "2"),
                ("start_date", 0),
                ("start_date", "2030-01-01T00:00:00"),
                ("finish_date", 1893456000),
            ],
        )

    async def test_money_as_a_decimal_numeral_string_is_taken_as_the_spec_says(
        self, client: httpx.AsyncClient
    ) -> None:
        portfolio = await make_portfolio(client)
        body = project_body(portfolio["id"], budget="1234.50")
        response = await client.post(PROJECTS, json=body)
        assert response.status_code == 201, response.text
        assert response.json()["budget"] == 1234.5

    async def test_lax_milestone_and_risk_values_are_422(self, client: httpx.AsyncClient) -> None:
        code = (await make_project(client))["code"]
        milestone = {"name": "m", "due_date": "2030-01-01"}
        risk = {"title": "r", "probability": 3, "impact": 3}

        def post(path: str, body: dict[str, Any]) -> Callable[[], Awaitable[httpx.Response]]:
            return lambda: client.post(f"{PROJECTS}/{code}/{path}", json=body)

        await expect_all(
            [
                (
                    "is_gate=1",
                    post("milestones", {**milestone, "is_gate": 1}),
                    422,
                    ["body", "is_gate"],
                ),
                (
                    "is_gate='true'",
                    post("milestones", {**milestone, "is_gate": "true"}),
                    422,
                    ["body", "is_gate"],
                ),
                (
                    "weight=true",
                    post("milestones", {**milestone, "weight": True}),
                    422,
                    ["body", "weight"],
                ),
                (
                    "probability=true",
                    post("risks", {**risk, "probability": True}),
                    422,
                    ["body", "probability"],
                ),
                ("impact='4'", post("risks", {**risk, "impact": "4"}), 422, ["body", "impact"]),
            ]
        )
        for path in ("milestones", "risks"):
            listed = await client.get(f"{PROJECTS}/{code}/{path}")
            assert listed.json()["data"] == [], path  # nothing was written

    async def test_lax_query_values_are_422_and_the_written_forms_pass(
        self, client: httpx.AsyncClient
    ) -> None:
        code = (await make_project(client))["code"]

        def get(path: str, **params: str) -> Callable[[], Awaitable[httpx.Response]]:
            return lambda: client.get(path, params=params)

        evm = f"{PROJECTS}/{code}/evm"
        milestones = f"{PROJECTS}/{code}/milestones"
        await expect_all(
            [
                ("as_of=0", get(evm, as_of="0"), 422, ["query", "as_of"]),
                ("as_of=epoch", get(evm, as_of="1700000000"), 422, ["query", "as_of"]),
                ("is_gate=1", get(milestones, is_gate="1"), 422, ["query", "is_gate"]),
                ("is_gate=yes", get(milestones, is_gate="yes"), 422, ["query", "is_gate"]),
                (
                    "updated_since no seconds",
                    get(PROJECTS, updated_since="2026-01-01T09:00"),
                    422,
                    ["query", "updated_since"],
                ),
                (
                    "updated_since=0",
                    get(PROJECTS, updated_since="0"),
                    422,
                    ["query", "updated_since"],
                ),
            ]
        )
        for path, params in (
            (evm, {"as_of": "2026-01-31"}),
            (milestones, {"is_gate": "true"}),
            (milestones, {"is_gate": "false"}),
            (PROJECTS, {"updated_since": "2026-01-01T09:00:00"}),
            (PROJECTS, {"updated_since": "2026-01-01T09:00:00.5+02:00"}),
        ):
            response = await client.get(path, params=params)
            assert response.status_code == 200, (path, params, response.text)
