"""Compliance over GraphQL: `project.compliance` and `portfolio.compliance` equal the REST
answers, and a page of projects costs the same statements whatever its size (batched)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from pmo_api.core.clock import today
from tests.compliance.test_compliance import _worked_project, compliance
from tests.factories import make_portfolio, make_project
from tests.gql import counted_statements, gql

RULES = "rules { rule result reason evidence }"
PROJECT = f"projectId projectCode asOf shareMet met notMet notApplicable {RULES}"


def _as_rest(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL ProjectCompliance in REST's names and enum values."""
    names = {"projectId": "project_id", "projectCode": "project_code", "asOf": "as_of"}
    names |= {"shareMet": "share_met", "notMet": "not_met", "notApplicable": "not_applicable"}
    out = {names.get(k, k): v for k, v in node.items() if k != "rules"}
    out["rules"] = [
        {**r, "rule": r["rule"].lower(), "result": r["result"].lower()} for r in node["rules"]
    ]
    return out


async def _projects(client: httpx.AsyncClient, portfolio_id: str) -> list[dict[str, Any]]:
    query = f"""query($id: ID!, $asOf: Date) {{ portfolio(id: $id) {{
        projects(first: 50) {{ nodes {{ code compliance(asOf: $asOf) {{ {PROJECT} }} }} }} }} }}"""
    body = await gql(client, query, id=portfolio_id, asOf=today().isoformat())
    assert "errors" not in body, body
    nodes: list[dict[str, Any]] = body["data"]["portfolio"]["projects"]["nodes"]
    return nodes


async def test_project_and_portfolio_compliance_equal_rest(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    portfolio = await make_portfolio(client)
    pid = portfolio["id"]
    await _worked_project(client, pid)
    await make_project(client, pid, status="active")
    with counted_statements(app) as two:
        nodes = await _projects(client, pid)
    for node in nodes:
        rest = await compliance(client, node["code"], today())
        assert _as_rest(node["compliance"]) == rest
    for _ in range(3):
        await make_project(client, pid, status="active")
    with counted_statements(app) as five:
        assert len(await _projects(client, pid)) == 5
    assert len(five) == len(two)  # batched: the same statements for 2 projects or 5

    query = f"""query($id: ID!) {{ portfolio(id: $id) {{ compliance {{
        portfolioId asOf shareMet byRule {{ rule met notMet notApplicable }}
        projects(first: 10) {{ {PROJECT} }} }} }} }}"""
    body = await gql(client, query, id=pid)
    assert "errors" not in body, body
    found = body["data"]["portfolio"]["compliance"]
    rest = (await client.get(f"/api/v1/portfolios/{pid}/compliance")).json()
    assert (found["asOf"], found["shareMet"]) == (rest["as_of"], rest["share_met"])
    assert [_as_rest(p) for p in found["projects"]] == rest["projects"]
    assert [c["met"] for c in found["byRule"]] == [c["met"] for c in rest["by_rule"]]
