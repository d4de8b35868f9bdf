"""Methodology templates over GraphQL: the same services as REST, typed errors, and
`project.template` through one batched loader."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import make_portfolio
from tests.gql import counted_statements, gql

CREATE = """
mutation($input: TemplateCreateInput!) {
  createTemplate(input: $input) {
    __typename
    ... on MethodologyTemplate { id key templateVersion latestVersion
      milestones { name offsetDays anchor workingDays gateKey weight }
      gates { key criteria { key level } requiredDocuments }
      reportingCadence { everyWeeks monthEnd } }
    ... on ValidationFailed { errors { loc } }
  }
}"""

PUBLISH = """
mutation($id: ID!, $input: TemplateVersionInput!) {
  publishTemplateVersion(id: $id, input: $input) {
    __typename ... on MethodologyTemplate { templateVersion name }
  }
}"""

FROM = """
mutation($input: ProjectFromTemplateInput!) {
  createProjectFromTemplate(input: $input) {
    __typename
    ... on Project { code startDate finishDate templateVersion
      milestones { name dueDate isGate gateKey } }
    ... on ValidationFailed { errors { loc } }
  }
}"""

TEMPLATE: dict[str, Any] = {
    "key": "gql",
    "name": "GraphQL template",
    "milestones": [
        {"name": "Kick-off", "offsetDays": 0},
        {"name": "Gate", "offsetDays": 5, "workingDays": True, "gateKey": "g1", "weight": 2},
        {"name": "End", "offsetDays": 1, "anchor": "FINISH"},
    ],
    "gates": [
        {
            "key": "g1",
            "name": "Gate one",
            "criteria": [{"key": "c", "text": "Done", "level": "SHOULD"}],
            "requiredDocuments": ["Plan"],
        }
    ],
    "reportingCadence": {"monthEnd": True},
}


class TestGraphqlTemplates:
    async def test_create_publish_and_plan(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        made = (await gql(client, CREATE, input=TEMPLATE))["data"]["createTemplate"]
        assert made["__typename"] == "MethodologyTemplate", made
        assert made["milestones"][1] == {
            "name": "Gate",
            "offsetDays": 5,
            "anchor": "START",
            "workingDays": True,
            "gateKey": "g1",
            "weight": 2.0,
        }
        assert made["gates"][0]["criteria"] == [{"key": "c", "level": "SHOULD"}]
        assert made["reportingCadence"] == {"everyWeeks": None, "monthEnd": True}
        bad = {
            **TEMPLATE,
            "key": "bad",
            "milestones": [{"name": "x", "offsetDays": 1, "gateKey": "zz"}],
        }
        refused = (await gql(client, CREATE, input=bad))["data"]["createTemplate"]
        assert refused["__typename"] == "ValidationFailed"
        assert refused["errors"][0]["loc"] == ["input", "milestones", "0", "gateKey"]

        portfolio = await make_portfolio(client)
        body = {
            "templateId": made["id"],
            "code": "GQL-1",
            "portfolioId": portfolio["id"],
            "name": "From GraphQL",
            "startDate": "2026-03-02",
        }
        project = (await gql(client, FROM, input=body))["data"]["createProjectFromTemplate"]
        # Monday 03-02; Gate: 5 working days → 03-09; finish = 03-09; End: 1 day back → 03-08.
        assert project["__typename"] == "Project", project
        assert (project["startDate"], project["finishDate"]) == ("2026-03-02", "2026-03-09")
        assert {m["name"]: m["dueDate"] for m in project["milestones"]} == {
            "Kick-off": "2026-03-02",
            "Gate": "2026-03-09",
            "End": "2026-03-08",
        }
        both = {**body, "code": "GQL-2", "finishDate": "2026-09-01"}
        refused = (await gql(client, FROM, input=both))["data"]["createProjectFromTemplate"]
        assert refused["errors"][0]["loc"] == ["input", "finishDate"]

        again = {k: v for k, v in TEMPLATE.items() if k != "key"}
        again["name"] = "v2"
        published = (await gql(client, PUBLISH, id=made["id"], input=again))["data"]
        assert published["publishTemplateVersion"] == {
            "__typename": "MethodologyTemplate",
            "templateVersion": 2,
            "name": "v2",
        }
        query = """query($id: ID!) {
          methodologyTemplates { edges { node { key templateVersion } } }
          methodologyTemplate(id: $id, version: 1) { name versions { templateVersion name } }
          projects { edges { node { code templateVersion template { templateVersion name } } } }
        }"""
        with counted_statements(app) as statements:
            data = (await gql(client, query, id=made["id"]))["data"]
        assert data["methodologyTemplates"]["edges"][0]["node"] == {
            "key": "gql",
            "templateVersion": 2,
        }
        assert data["methodologyTemplate"] == {
            "name": "GraphQL template",
            "versions": [
                {"templateVersion": 1, "name": "GraphQL template"},
                {"templateVersion": 2, "name": "v2"},
            ],
        }
        node = data["projects"]["edges"][0]["node"]
        assert node["template"] == {"templateVersion": 1, "name": "GraphQL template"}
        assert sum("methodology_template_versions" in s for s in statements) <= 3
