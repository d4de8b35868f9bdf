"""CONTRACT §7 as a matrix: every operation, by every kind of caller, on every kind of target.

The REST operations are read from the OpenAPI spec and the GraphQL fields from the schema, so a
new route or field joins the matrix by itself. Each needs an entry in RULES / GRAPHQL_RULES (its
minimum role and a valid minimal body): without one its test fails, on purpose.

What is checked for every call:
- the status class: 401 for no, revoked or expired keys; 403 when the role does not allow the
  action; 404 (never 403) for what lies outside the key's portfolios, exactly as for an id that
  does not exist; the documented 2xx otherwise;
- no leak: no response (data, error, CSV) carries anything of a portfolio the caller may not
  see, unless the caller itself sent it in the request; an out-of-scope object and a
  nonexistent one answer alike;
- no effect: a refused write changes nothing (checked afterwards with an unlimited admin key).

Each test builds a fresh world (portfolios A and B, each with a project and an objective, the
project with a milestone, a cost entry, a progress record, a budget baseline, a risk, a draft
status report and a measurement of a KPI defined once for the world; and an empty portfolio S),
so writes that succeed cannot disturb the next operation's test.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import tests.conftest as harness
from pmo_api.access.principal import Role
from pmo_api.app import create_app
from pmo_api.graphql.schema import build_schema
from tests.factories import key_id_of

PROBLEM_JSON = "application/problem+json"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
_RANK = {Role.viewer: 0, Role.editor: 1, Role.admin: 2}

# The spec and the GraphQL schema, read at collection time so that each operation is a test of
# its own. (TestMatrixCoversTheLiveApp checks that the session's app has the same operations.)
_SPEC_SETTINGS = harness.test_settings("sqlite+aiosqlite://")
SPEC: dict[str, Any] = create_app(_SPEC_SETTINGS).openapi()


def _graphql_fields() -> list[str]:
    """The root fields, from the graphql-core schema strawberry builds (no execution: the
    operation guard's hooks are async)."""
    schema = build_schema(_SPEC_SETTINGS)._schema
    names = list(schema.query_type.fields) if schema.query_type else []
    if schema.mutation_type:
        names += list(schema.mutation_type.fields)
    return names


GRAPHQL_FIELDS = _graphql_fields()


# --- operations, callers, targets ---------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    path_params: tuple[str, ...]
    query_params: frozenset[str]
    has_body: bool
    success: frozenset[int]  # the 2xx statuses the spec documents
    csv: bool  # the 200 response may be text/csv
    conditional: bool  # answers 304 to If-None-Match

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.operation_id})"


def operations(spec: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            params = op.get("parameters", [])
            responses = op.get("responses", {})
            success = frozenset(int(s) for s in responses if s.isdigit() and s.startswith("2"))
            ok_content = responses.get("200", {}).get("content", {})
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=op.get("operationId") or f"{method} {path}",
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query_params=frozenset(p["name"] for p in params if p["in"] == "query"),
                    has_body="requestBody" in op,
                    success=success,
                    # CSV on request (`format=csv`) besides JSON; a `.csv` path answers only CSV
                    csv="text/csv" in ok_content and "application/json" in ok_content,
                    conditional="304" in responses,
                )
            )
    return found


OPERATIONS = operations(SPEC)


@dataclass(frozen=True)
class Caller:
    label: str
    role: Role | None  # None: not authenticated at all
    sees: frozenset[str] | None  # the sides (portfolios) it may see; None: every portfolio

    @property
    def limited(self) -> bool:
        return self.sees is not None

    @property
    def own_side(self) -> str:
        return "B" if self.sees == frozenset({"B"}) else "A"

    @property
    def other_side(self) -> str:
        return "A" if self.own_side == "B" else "B"

    def can_see(self, side: str) -> bool:
        return self.sees is None or side in self.sees


UNAUTHENTICATED = frozenset[str]()
CALLERS = (
    Caller("no key", None, UNAUTHENTICATED),
    Caller("revoked key", None, UNAUTHENTICATED),
    Caller("expired key", None, UNAUTHENTICATED),
    Caller("viewer", Role.viewer, None),
    Caller("editor", Role.editor, None),
    Caller("admin", Role.admin, None),
    # "A key scoped to another portfolio": it must not see A's objects.
    Caller("viewer scoped to B", Role.viewer, frozenset({"B"})),
    # In-scope writes must work for limited keys.
    Caller("editor scoped to A", Role.editor, frozenset({"A"})),
    Caller("admin scoped to A and S", Role.admin, frozenset({"A", "S"})),
)


class Target(StrEnum):
    NONE = "no object"
    OWN = "own object"
    OTHER = "object in another portfolio"
    CROSS = "own portfolio's path, other portfolio's objective"
    MISSING = "nonexistent id"


# --- the rules: one entry per operation -----------------------------------------------------


@dataclass(frozen=True)
class BodyContext:
    portfolio_id: str
    name: str
    code: str
    day: str  # a date (ISO) no call of the world has used yet
    catalog: dict[str, str] = field(default_factory=dict)  # the world's roles, skills, resources
    gate_id: str = ""  # a gate milestone of the target side's project without an open review
    milestones: tuple[str, str] = ("", "")  # two fresh milestones of the side (rule.links)


Body = Callable[[BodyContext], dict[str, Any]]

# Reads through GraphQL, touching every path from a portfolio to a project and back.
GRAPHQL_READ = (
    "{ portfolios { nodes { id name projects { nodes { id code name portfolio { id name } } } } } "
    "projects { nodes { id code name portfolioId portfolio { id name } } } }"
)


@dataclass(frozen=True)
class Rule:
    role: Role | None  # the minimum role; None: public (no key needed)
    body: Body | None = None
    params: dict[str, str] = field(default_factory=dict)
    unlimited: bool = False  # needs a key not limited to portfolios (else 403)
    body_scoped: bool = False  # the body names the portfolio (outside scope: 422, as absent)
    shows_portfolio: bool = False  # a 2xx body names the portfolio it concerns
    shows_project: bool = False  # a 2xx body names the project it concerns (its id)
    links: bool = False  # the body links two fresh milestones of the side (BodyContext.milestones)


# The bodies of resource management's shared rows, by the operations' prefix.
_CATALOG_BODIES: dict[str, Body] = {
    "roles": lambda c: {"name": c.name, "default_rate": 80},
    "skills": lambda c: {"name": c.name},
    "resources": lambda c: {"name": c.name, "email": f"{c.name}@example.com"},
    "skill-levels": lambda c: {"skill_id": c.catalog["spare_skill_id"], "level": 3},
    "rates": lambda c: {"effective_from": c.day, "rate": 75.5},
    "time-off": lambda c: {"start_date": c.day, "end_date": c.day, "note": c.name},
    "holidays": lambda c: {"day": c.day, "name": c.name},
    "certifications": lambda c: {"name": c.name, "issued_on": c.day},
}
_CATALOG_PATCHES: dict[str, Body] = {
    "roles": lambda c: {"name": c.name},
    "skills": lambda c: {"name": c.name, "description": c.name},
    "resources": lambda c: {"name": c.name, "availability_factor": 0.8},
    "skill-levels": lambda c: {"level": 4},
    "rates": lambda c: {"rate": 81},
    "time-off": lambda c: {"note": c.name},
    "holidays": lambda c: {"name": c.name},
    "certifications": lambda c: {"note": c.name},
}

RULES: dict[str, Rule] = {
    "projects-list": Rule(Role.viewer, shows_portfolio=True),
    "projects-create": Rule(
        Role.editor,
        body=lambda c: {"code": c.code, "portfolio_id": c.portfolio_id, "name": c.name},
        body_scoped=True,
        shows_portfolio=True,
    ),
    "projects-get": Rule(Role.viewer, shows_portfolio=True),
    "projects-update": Rule(
        Role.editor, body=lambda c: {"name": c.name, "priority": 2}, shows_portfolio=True
    ),
    "projects-delete": Rule(Role.editor),
    "portfolios-list": Rule(Role.viewer, shows_portfolio=True),
    # A key's portfolios are fixed when it is made: a limited admin could never see what it made.
    "portfolios-create": Rule(Role.admin, body=lambda c: {"name": c.name}, unlimited=True),
    "portfolios-get": Rule(Role.viewer, shows_portfolio=True),
    "portfolios-update": Rule(
        Role.admin, body=lambda c: {"name": c.name, "owner": "o"}, shows_portfolio=True
    ),
    "portfolios-delete": Rule(Role.admin),
    "objectives-list": Rule(Role.viewer, shows_portfolio=True),
    "objectives-create": Rule(
        Role.admin, body=lambda c: {"name": c.name, "weight": 2}, shows_portfolio=True
    ),
    "objectives-get": Rule(Role.viewer, shows_portfolio=True),
    "objectives-update": Rule(
        Role.admin, body=lambda c: {"name": c.name, "weight": 3}, shows_portfolio=True
    ),
    "objectives-delete": Rule(Role.admin),
    # Programmes (issue 16): of a portfolio; its editors write them, its viewers read them.
    "programs-list": Rule(Role.viewer, shows_portfolio=True),
    "portfolio-programs-list": Rule(Role.viewer, shows_portfolio=True),
    "programs-create": Rule(
        Role.editor, body=lambda c: {"name": c.name, "manager": "m"}, shows_portfolio=True
    ),
    "programs-get": Rule(Role.viewer, shows_portfolio=True),
    "programs-update": Rule(
        Role.editor, body=lambda c: {"name": c.name, "status": "active"}, shows_portfolio=True
    ),
    "programs-delete": Rule(Role.editor),
    # The rollups over a programme's projects name them (rows, top risks, verdicts).
    "programs-evm": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "programs-summary": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "programs-health": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "programs-risk-matrix": Rule(Role.viewer, shows_portfolio=True),
    "programs-compliance": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    # As the portfolio's RAID table: its CSV names no portfolio, its rows their projects by code.
    "programs-raid": Rule(Role.viewer),
    "api-keys-create": Rule(
        Role.admin, body=lambda c: {"name": c.name, "role": "viewer"}, unlimited=True
    ),
    "api-keys-list": Rule(Role.admin, unlimited=True),
    "api-keys-get": Rule(Role.admin, unlimited=True),
    "api-keys-revoke": Rule(Role.admin, unlimited=True),
    "audit-events-list": Rule(Role.admin, unlimited=True),
    # Who the caller is: every caller, about itself only.
    "me-get": Rule(Role.viewer),
    # Tombstones of the caller's portfolios (none in a fresh world: an empty page).
    "deletions-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "ops-healthz": Rule(None),
    "ops-readyz": Rule(None),
    "ops-metrics": Rule(None),
    # Schedule and money: everything under a project is the project's editors' to write.
    "milestones-list": Rule(Role.viewer, shows_project=True),
    # The feed across projects: scoped by the caller's portfolios, filtered by `portfolio_id`.
    "milestones-feed": Rule(Role.viewer, shows_project=True),
    "milestones-create": Rule(
        Role.editor,
        body=lambda c: {"name": c.name, "due_date": "2026-06-30"},
        shows_project=True,
    ),
    "milestones-get": Rule(Role.viewer, shows_project=True),
    "milestones-update": Rule(
        Role.editor, body=lambda c: {"name": c.name, "weight": 2}, shows_project=True
    ),
    "milestones-delete": Rule(Role.editor),
    "budget-lines-list": Rule(Role.viewer, shows_project=True),
    "budget-lines-replace": Rule(
        Role.editor,
        body=lambda c: {"lines": [{"period": "2026-01", "category": c.name, "amount": 10}]},
        shows_project=True,
    ),
    # The feed across projects: scoped by the caller's portfolios, filtered by `portfolio_id`.
    "costs-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-costs-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "costs-create": Rule(
        Role.editor,
        body=lambda c: {
            "incurred_on": "2026-01-05",
            "amount": 12.5,
            "description": c.name,
            "external_ref": c.name,
        },
        shows_portfolio=True,
        shows_project=True,
    ),
    "costs-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "costs-update": Rule(
        Role.editor,
        body=lambda c: {"amount": 20, "description": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "costs-delete": Rule(Role.editor),
    "progress-list": Rule(Role.viewer, shows_project=True),
    "progress-create": Rule(
        Role.editor,
        body=lambda c: {"as_of": c.day, "percent_complete": 40, "note": c.name},
        shows_project=True,
    ),
    "progress-get": Rule(Role.viewer, shows_project=True),
    "progress-update": Rule(
        Role.editor,
        body=lambda c: {"percent_complete": 55, "note": c.name},
        shows_project=True,
    ),
    "progress-delete": Rule(Role.editor),
    "projects-evm": Rule(Role.viewer, shows_project=True),
    "projects-evm-series": Rule(Role.viewer, shows_project=True),
    "projects-cost-variance": Rule(Role.viewer, shows_project=True),
    "projects-health": Rule(Role.viewer, shows_project=True),
    # Its CSV carries the project rows only (no portfolio_id): checked by the project's id.
    "portfolios-evm": Rule(Role.viewer, shows_project=True),
    # The top risks name their projects.
    "portfolios-summary": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    # Compliance (issue 15): the project's rules; the portfolio's every project (CSV too).
    "project-compliance": Rule(Role.viewer, shows_project=True),
    "portfolio-compliance": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    # Risks: the feed across projects is filtered by `portfolio_id`; the matrix only counts.
    "risks-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-risks-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "risks-create": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "probability": 3, "impact": 4},
        shows_portfolio=True,
        shows_project=True,
    ),
    "risks-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "risks-update": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "probability": 2},
        shows_portfolio=True,
        shows_project=True,
    ),
    "risks-delete": Rule(Role.editor),
    "portfolios-risk-matrix": Rule(Role.viewer, shows_portfolio=True),
    # Action items belong to a project, as risks; the feed is filtered by `portfolio_id`.
    "action-items-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-action-items-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "action-items-create": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "owner": "Ana", "due_date": "2026-02-01"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "action-items-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "action-items-update": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "status": "done"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "action-items-delete": Rule(Role.editor),
    # The decision log: a project's entries through the project, a portfolio's through the
    # portfolio; the feed is filtered by `portfolio_id`.
    "decisions-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-decisions-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "portfolio-decisions-list": Rule(Role.viewer, shows_portfolio=True),
    "decisions-create": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "alternatives": ["x"], "decided_on": "2026-02-01"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "portfolio-decisions-create": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "rationale": c.name},
        shows_portfolio=True,
    ),
    "decisions-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "decisions-update": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "rationale": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "decisions-delete": Rule(Role.editor),
    # Gate reviews belong to a project, as risks; deciding one uses it up (it is immutable
    # then), and writes the project's decision log entry.
    "gate-reviews-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-gate-reviews-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "gate-reviews-create": Rule(
        Role.editor,
        body=lambda c: {"milestone_id": c.gate_id, "scheduled_on": "2026-03-01", "notes": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "gate-reviews-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "gate-reviews-update": Rule(
        Role.editor,
        body=lambda c: {"notes": c.name, "reviewers": [{"name": c.name, "vote": "go"}]},
        shows_portfolio=True,
        shows_project=True,
    ),
    "gate-reviews-delete": Rule(Role.editor),
    "gate-reviews-decide": Rule(
        Role.editor,
        body=lambda c: {"decision": "recycle", "rationale": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    # Change requests belong to a project, as risks; a transition uses up its draft.
    "change-requests-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-change-requests-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "change-requests-create": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "category": "cost", "cost_delta": 250},
        shows_portfolio=True,
        shows_project=True,
    ),
    "change-requests-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "change-requests-update": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "priority": "high"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "change-requests-delete": Rule(Role.editor),
    "change-requests-transition": Rule(
        Role.editor,
        body=lambda c: {"to": "submitted", "note": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    # Quality reviews and their findings belong to a project, as risks; the feeds are filtered
    # by `portfolio_id`. A finding's corrective action is an action item of its project.
    "quality-reviews-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-quality-reviews-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "quality-reviews-create": Rule(
        Role.editor,
        body=lambda c: {"kind": "audit", "title": c.name, "reviewer": "Rita"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "quality-reviews-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "quality-reviews-update": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "status": "held"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "quality-reviews-delete": Rule(Role.editor),
    "quality-findings-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "quality-review-findings-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "quality-findings-create": Rule(
        Role.editor,
        body=lambda c: {"severity": "high", "description": c.name, "action_owner": "Ana"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "quality-findings-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "quality-findings-update": Rule(
        Role.editor,
        body=lambda c: {"description": c.name, "action_status": "done"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "quality-findings-delete": Rule(Role.editor),
    # KPI definitions are shared by every portfolio: only an admin not limited to portfolios
    # may change them (a limited one would change what others see).
    # Methodology templates belong to no portfolio: read by viewers, written only by an admin
    # key not limited to portfolios; a project made from one, or one applied, as a project write.
    "methodology-templates-list": Rule(Role.viewer),
    "methodology-templates-create": Rule(
        Role.admin,
        body=lambda c: {"key": c.code.lower(), "name": c.name},
        unlimited=True,
    ),
    "methodology-templates-get": Rule(Role.viewer),
    "methodology-template-versions-list": Rule(Role.viewer),
    "methodology-template-versions-create": Rule(
        Role.admin, body=lambda c: {"name": c.name}, unlimited=True
    ),
    "projects-create-from-template": Rule(
        Role.editor,
        body=lambda c: {
            "code": c.code,
            "portfolio_id": c.portfolio_id,
            "name": c.name,
            "template_id": c.catalog["template_id"],
            "start_date": c.day,
        },
        body_scoped=True,
        shows_portfolio=True,
    ),
    "projects-apply-template": Rule(
        Role.editor,
        body=lambda c: {"template_id": c.catalog["template_id"]},
        shows_portfolio=True,
    ),
    "kpis-list": Rule(Role.viewer),
    "kpis-create": Rule(
        Role.admin,
        body=lambda c: {
            "code": c.code.lower().replace("-", "_"),
            "name": c.name,
            "direction": "higher_is_better",
        },
        unlimited=True,
    ),
    "kpis-get": Rule(Role.viewer),
    "kpis-update": Rule(Role.admin, body=lambda c: {"name": c.name, "target": 9}, unlimited=True),
    "kpis-delete": Rule(Role.admin, unlimited=True),
    # Measurements and values belong to a project: {kpi_code} names a shared definition.
    "project-kpis": Rule(Role.viewer, shows_project=True),
    "kpi-measurements-list": Rule(Role.viewer, shows_project=True),
    "kpi-measurements-record": Rule(
        Role.editor,
        body=lambda c: {"measured_on": c.day, "value": 4.5, "note": c.name},
        shows_project=True,
    ),
    "kpi-values-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    # Per-resource KPIs: resources are shared; hours on hidden projects count, naming none.
    "resource-kpi-values-list": Rule(Role.viewer),
    # Status reports: drafts are written by editors; publishing consumes a draft.
    "status-reports-list": Rule(Role.viewer, shows_project=True),
    # The feed across projects: scoped by the caller's portfolios, filtered by `portfolio_id`.
    "status-reports-feed": Rule(Role.viewer, shows_project=True),
    "status-reports-create": Rule(
        Role.editor,
        body=lambda c: {"period_end": "2026-01-31", "summary": c.name},
        shows_project=True,
    ),
    "status-reports-get": Rule(Role.viewer, shows_project=True),
    "status-reports-update": Rule(
        Role.editor,
        body=lambda c: {"summary": c.name, "overall": "amber"},
        shows_project=True,
    ),
    "status-reports-delete": Rule(Role.editor),
    "status-reports-publish": Rule(Role.editor, shows_project=True),
    # Resource management: roles, skills, resources and holidays are shared by every portfolio
    # (only an admin not limited to portfolios writes them); allocations belong to a project.
    **{f"{kind}-{verb}": Rule(Role.viewer) for kind in _CATALOG_BODIES for verb in ("list", "get")},
    **{
        f"{kind}-create": Rule(Role.admin, body=body, unlimited=True)
        for kind, body in _CATALOG_BODIES.items()
    },
    **{
        f"{kind}-update": Rule(Role.admin, body=body, unlimited=True)
        for kind, body in _CATALOG_PATCHES.items()
    },
    **{f"{kind}-delete": Rule(Role.admin, unlimited=True) for kind in _CATALOG_BODIES},
    "resources-availability": Rule(Role.viewer, params={"from": "2026-01-01", "to": "2026-03-31"}),
    # Every resource's overbooked periods: hours on hidden projects count, naming no project.
    "over-allocations": Rule(Role.viewer, params={"from": "2026-01-01", "to": "2026-01-31"}),
    # Capacity against demand: hours on hidden projects count, naming no project or portfolio.
    "capacity": Rule(Role.viewer, params={"from": "2026-01-01", "to": "2026-01-31"}),
    # A project's planned and actual hours, burn rate: under the project's scope.
    "project-resources": Rule(
        Role.viewer, params={"from": "2026-01-01", "to": "2026-01-31"}, shows_project=True
    ),
    "allocations-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-allocations-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "allocations-create": Rule(
        Role.editor,
        body=lambda c: {
            "resource_id": c.catalog["resource_id"],
            "start_date": "2026-02-02",
            "end_date": "2026-02-27",
            "mode": "percent",
            "amount": 25,
            "note": c.name,
        },
        shows_portfolio=True,
        shows_project=True,
    ),
    "allocations-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "allocations-update": Rule(
        Role.editor,
        body=lambda c: {"amount": 30, "note": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "allocations-delete": Rule(Role.editor),
    # Time entries belong to a project, as costs; the upsert by external_ref likewise.
    "time-entries-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-time-entries-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "time-entries-create": Rule(
        Role.editor,
        body=lambda c: {
            "resource_id": c.catalog["resource_id"],
            "work_date": "2026-02-03",
            "hours": 1.5,
            "note": c.name,
            "external_ref": c.name,
        },
        shows_portfolio=True,
        shows_project=True,
    ),
    "time-entries-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "time-entries-update": Rule(
        Role.editor,
        body=lambda c: {"hours": 2, "note": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "time-entries-delete": Rule(Role.editor),
    # Issue 16, the RAID log. A dependency's ends are milestones of the side's project.
    "dependencies-list": Rule(Role.viewer, shows_project=True),
    "milestone-dependencies-list": Rule(Role.viewer, shows_project=True),
    "dependencies-create": Rule(
        Role.editor,
        body=lambda c: {"predecessor_id": c.milestones[0], "successor_id": c.milestones[1]},
        body_scoped=True,
        links=True,
        shows_project=True,
    ),
    "milestone-dependencies-create": Rule(
        Role.editor,
        body=lambda c: {"successor_id": c.milestones[0], "lag_days": 2},
        links=True,
        shows_project=True,
    ),
    "dependencies-get": Rule(Role.viewer, shows_project=True),
    "dependencies-update": Rule(
        Role.editor, body=lambda c: {"lag_days": 3, "note": c.name}, shows_project=True
    ),
    "dependencies-delete": Rule(Role.editor),
    "issues-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-issues-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "issues-create": Rule(
        Role.editor,
        body=lambda c: {"title": c.name, "priority": "critical"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "issues-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "issues-update": Rule(
        Role.editor, body=lambda c: {"title": c.name}, shows_portfolio=True, shows_project=True
    ),
    "issues-delete": Rule(Role.editor),
    "issues-change-request": Rule(
        Role.editor,
        body=lambda c: {"category": "scope", "title": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "assumptions-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "project-assumptions-list": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "assumptions-create": Rule(
        Role.editor,
        body=lambda c: {"statement": c.name, "confidence": "low"},
        shows_portfolio=True,
        shows_project=True,
    ),
    "assumptions-get": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    "assumptions-update": Rule(
        Role.editor, body=lambda c: {"owner": c.name}, shows_portfolio=True, shows_project=True
    ),
    "assumptions-delete": Rule(Role.editor),
    "assumptions-raise": Rule(
        Role.editor,
        body=lambda c: {"kind": "issue", "title": c.name},
        shows_portfolio=True,
        shows_project=True,
    ),
    "projects-raid": Rule(Role.viewer, shows_portfolio=True, shows_project=True),
    # Its CSV names no portfolio (its rows name their projects by code): a plain rule.
    "portfolios-raid": Rule(Role.viewer),
    # Every resource's expiring certifications: shared rows, as the resources themselves.
    "certifications-expiring": Rule(Role.viewer),
    "handle_http_get_graphql_get": Rule(
        Role.viewer, params={"query": GRAPHQL_READ}, shows_portfolio=True
    ),
    "handle_http_post_graphql_post": Rule(
        Role.viewer, body=lambda c: {"query": GRAPHQL_READ}, shows_portfolio=True
    ),
}
# A list's `.csv` path (core/openapi_csv.py) is the list with `format=csv`: the same rule.
RULES |= {
    op.operation_id: RULES[op.operation_id.removesuffix("-csv")]
    for op in OPERATIONS
    if op.operation_id.endswith("-csv") and op.operation_id.removesuffix("-csv") in RULES
}

# Path parameters that name an object of a portfolio (or, for key_id and kpi_code, an object of
# no portfolio: an API key, a KPI definition).
_UNDER_PROJECT = (  # objects of a side's project
    "allocation_id",
    "time_entry_id",
    "milestone_id",
    "cost_id",
    "progress_id",
    "risk_id",
    "report_id",
    "action_item_id",
    "decision_id",
    "gate_review_id",
    "change_request_id",
    "quality_review_id",
    "quality_finding_id",
    "dependency_id",
    "issue_id",
    "assumption_id",
)
# Resource management's shared rows: of no portfolio, as KPI definitions.
_CATALOG_PARAMS = frozenset(
    {
        "role_id",
        "skill_id",
        "resource_id",
        "skill_level_id",
        "rate_id",
        "time_off_id",
        "holiday_id",
        "certification_id",
        "template_id",  # a methodology template: shared, as a KPI definition
    }
)
_OBJECT_PARAMS = frozenset(
    {
        "portfolio_id",
        "project",
        "objective_id",
        "program_id",
        "key_id",
        "kpi_code",
        *_UNDER_PROJECT,
        *_CATALOG_PARAMS,
    }
)
# Calls that use up the object they name when they succeed: each needs a fresh one.
_CONSUMING = frozenset(
    {
        "status-reports-publish",
        "gate-reviews-decide",
        "projects-apply-template",
        "change-requests-transition",
        "assumptions-raise",
        "issues-change-request",
    }
)


def consumes(op: Operation) -> bool:
    return op.method == "DELETE" or op.operation_id in _CONSUMING


def of_no_portfolio(op: Operation) -> bool:
    """The path names an object that belongs to no portfolio (an API key, a KPI definition):
    the same for every caller, so there is no other portfolio's object to aim at."""
    params = set(op.path_params)
    return (
        "key_id" in params or params == {"kpi_code"} or (bool(params) and params <= _CATALOG_PARAMS)
    )


def scope_kind(op: Operation, rule: Rule) -> str:
    """How the caller's portfolio scope meets the operation: through the path, the body, a
    query filter, or not at all."""
    if _OBJECT_PARAMS & set(op.path_params):
        return "path"
    if rule.body_scoped:
        return "body"
    if "portfolio_id" in op.query_params:
        return "query"
    return "none"


def targets_of(op: Operation, rule: Rule) -> tuple[Target, ...]:
    kind = scope_kind(op, rule)
    if "objective_id" in op.path_params:
        return (Target.OWN, Target.OTHER, Target.CROSS, Target.MISSING)
    if of_no_portfolio(op):
        return (Target.OWN, Target.MISSING)
    if kind in ("path", "body"):
        return (Target.OWN, Target.OTHER, Target.MISSING)
    if kind == "query":
        return (Target.NONE, Target.OWN, Target.OTHER, Target.MISSING)
    return (Target.NONE,)


def variants_of(op: Operation) -> tuple[str, ...]:
    """Each call as it is, and as CSV or as a conditional GET where the spec offers those."""
    return ("plain",) + ("csv",) * op.csv + ("conditional",) * op.conditional


def visible(caller: Caller, target: Target) -> bool:
    if target in (Target.NONE, Target.OWN):
        return True
    if target == Target.OTHER:
        return caller.can_see(caller.other_side)
    return False  # CROSS (no such objective under that portfolio) and MISSING


def expected_statuses(op: Operation, rule: Rule, caller: Caller, target: Target) -> frozenset[int]:
    if rule.role is None:
        return op.success
    if caller.role is None:
        return frozenset({401})
    kind = scope_kind(op, rule)
    absent = {"path": 404, "body": 422}.get(kind)
    if _RANK[caller.role] < _RANK[rule.role]:
        # The role check may come before or after the lookup: either reveals nothing, as long
        # as an out-of-scope object and a nonexistent one answer alike (checked separately).
        if visible(caller, target) or absent is None:
            return frozenset({403})
        return frozenset({403, absent})
    if rule.unlimited and caller.limited:
        return frozenset({403})
    if visible(caller, target) or absent is None:
        return op.success
    return frozenset({absent})


# --- the world ---------------------------------------------------------------------------------


@dataclass
class Side:
    portfolio_id: str
    project_code: str | None = None
    project_id: str | None = None
    objective_id: str | None = None
    program_id: str | None = None
    milestone_id: str | None = None
    cost_id: str | None = None
    progress_id: str | None = None
    risk_id: str | None = None
    report_id: str | None = None
    action_item_id: str | None = None
    decision_id: str | None = None
    gate_id: str | None = None  # a gate milestone (not a path parameter: bodies name it)
    gate_review_id: str | None = None
    change_request_id: str | None = None
    quality_review_id: str | None = None
    quality_finding_id: str | None = None
    allocation_id: str | None = None
    time_entry_id: str | None = None
    dependency_id: str | None = None
    issue_id: str | None = None
    assumption_id: str | None = None
    markers: set[str] = field(default_factory=set)

    def object_id(self, param: str) -> str:
        """The side's own object that the path parameter (one of _UNDER_PROJECT) names."""
        value = getattr(self, param)
        assert value is not None, f"the side has no {param}"
        return str(value)


@dataclass
class World:
    app: FastAPI
    admin: httpx.AsyncClient
    tag: str
    sides: dict[str, Side]
    keys: dict[str, str | None]
    spare_key_id: str
    anon: httpx.AsyncClient  # sends no key of its own: each call sets the caller's
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    kpi_code: str = ""  # a measured KPI, defined once: each side's project has a value of it
    # Resource management's shared rows (of no side), by the path parameter naming each.
    catalog: dict[str, str] = field(default_factory=dict)

    def name(self, kind: str) -> str:
        return f"{kind}-{self.tag}-{next(self.seq):05d}"  # fixed width: no name is in another

    def code(self) -> str:
        return f"M{self.tag[:6].upper()}-{next(self.seq):05d}"

    def day(self) -> str:
        """A date no earlier call has had (progress allows one record per date and project)."""
        return (date(2024, 1, 1) + timedelta(days=next(self.seq))).isoformat()

    def markers_of(self, document: Any) -> set[str]:
        """What of an object the API returned must stay within its portfolio: its id, the
        world's names it carries (names, descriptions, references, notes, categories), and the
        same of the objects nested in it (budget lines, a recorded cost)."""
        found: set[str] = set()
        if isinstance(document, list):
            for item in document:
                found |= self.markers_of(item)
        elif isinstance(document, dict):
            if document.get("id"):
                found.add(str(document["id"]))
            for value in document.values():
                if isinstance(value, str) and self.tag in value:
                    found.add(value)
                elif isinstance(value, dict | list):
                    found |= self.markers_of(value)
        return found

    def forbidden(self, caller: Caller) -> set[str]:
        """What the caller may never receive: every marker of every side it cannot see."""
        out: set[str] = set()
        for name, side in self.sides.items():
            if not caller.can_see(name):
                out |= side.markers
        return out

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.admin.post(path, json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def add_project(self, side: str) -> str:
        s = self.sides[side]
        name = f"secret-{side}-{uuid.uuid4().hex[:10]}"
        body = {"code": self.code(), "portfolio_id": s.portfolio_id, "name": name}
        # Dated, so that its earned value has a schedule (and a series a default range).
        body |= {"start_date": "2026-01-01", "finish_date": "2026-06-30"}
        project = await self.post("/api/v1/projects", body)
        if s.project_code is None:  # the first is the side's own; later ones are spares
            s.project_code, s.project_id = project["code"], project["id"]
        s.markers |= {name, project["code"], project["id"]}
        return str(project["code"])

    async def add_objective(self, side: str) -> str:
        s = self.sides[side]
        name = f"secret-{side}-{uuid.uuid4().hex[:10]}"
        objective = await self.post(
            f"/api/v1/portfolios/{s.portfolio_id}/objectives", {"name": name, "weight": 1}
        )
        if s.objective_id is None:
            s.objective_id = objective["id"]
        s.markers |= {name, objective["id"]}
        return str(objective["id"])

    async def add_program(self, side: str) -> str:
        """A programme of the side's portfolio; the first holds the side's project."""
        s = self.sides[side]
        name = f"secret-{side}-{uuid.uuid4().hex[:10]}"
        program = await self.post(f"/api/v1/portfolios/{s.portfolio_id}/programs", {"name": name})
        if s.program_id is None:
            s.program_id = program["id"]
            response = await self.admin.patch(
                f"/api/v1/projects/{s.project_code}", json={"program_id": program["id"]}
            )
            assert response.status_code == 200, response.text
        s.markers |= {name, program["id"]}
        return str(program["id"])

    async def add_milestone(self, side: str) -> str:
        s = self.sides[side]
        body = {"name": f"secret-{side}-{uuid.uuid4().hex[:10]}", "due_date": "2026-03-31"}
        milestone = await self.post(f"/api/v1/projects/{s.project_code}/milestones", body)
        if s.milestone_id is None:
            s.milestone_id = milestone["id"]
        s.markers |= {milestone["id"], body["name"]}
        return str(milestone["id"])

    async def milestone_pair(self, side: str, *, missing: bool = False) -> tuple[str, str]:
        """Two fresh milestones of the side (random ids when the target is missing)."""
        if missing:
            return (str(uuid.uuid4()), str(uuid.uuid4()))
        s = self.sides[side]
        made = []
        for _ in range(2):
            body = {"name": f"secret-{side}-{uuid.uuid4().hex[:10]}", "due_date": "2026-04-30"}
            m = await self.post(f"/api/v1/projects/{s.project_code}/milestones", body)
            s.markers |= {m["id"], body["name"]}
            made.append(str(m["id"]))
        return (made[0], made[1])

    async def add_dependency(self, side: str) -> str:
        """A dependency between two milestones of the side's project."""
        s = self.sides[side]
        first, second = await self.milestone_pair(side)
        if s.dependency_id is None:  # the side's milestone has the side's dependency
            first = str(s.milestone_id)
        note = f"secret-{side}-{uuid.uuid4().hex[:10]}"
        body = {"predecessor_id": first, "successor_id": second, "note": note}
        dependency = await self.post("/api/v1/dependencies", body)
        if s.dependency_id is None:
            s.dependency_id = dependency["id"]
        s.markers |= {dependency["id"], note}
        return str(dependency["id"])

    async def add_issue(self, side: str) -> str:
        s = self.sides[side]
        body = {"title": f"secret-{side}-{uuid.uuid4().hex[:10]}", "priority": "high"}
        issue = await self.post(f"/api/v1/projects/{s.project_code}/issues", body)
        if s.issue_id is None:
            s.issue_id = issue["id"]
        s.markers |= {issue["id"], body["title"]}
        return str(issue["id"])

    async def add_assumption(self, side: str) -> str:
        """An invalid assumption (so that it may raise a risk or an issue)."""
        s = self.sides[side]
        body = {"statement": f"secret-{side}-{uuid.uuid4().hex[:10]}", "status": "invalid"}
        assumption = await self.post(f"/api/v1/projects/{s.project_code}/assumptions", body)
        if s.assumption_id is None:
            s.assumption_id = assumption["id"]
        s.markers |= {assumption["id"], body["statement"]}
        return str(assumption["id"])

    async def add_deletion(self, side: str) -> None:
        """A milestone made and deleted: its tombstone (its id a marker of the side)."""
        gone = await self.add_milestone(side)
        response = await self.admin.delete(f"/api/v1/milestones/{gone}")
        assert response.status_code == 204, response.text

    async def add_cost(self, side: str) -> str:
        s = self.sides[side]
        body: dict[str, Any] = {
            "incurred_on": "2026-01-20",
            "amount": 300,
            "category": "labor",
            "description": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "external_ref": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        cost = await self.post(f"/api/v1/projects/{s.project_code}/costs", body)
        if s.cost_id is None:
            s.cost_id = cost["id"]
        s.markers |= {cost["id"], body["description"], body["external_ref"]}
        return str(cost["id"])

    async def add_progress(self, side: str) -> str:
        s = self.sides[side]
        body: dict[str, Any] = {
            "as_of": self.day(),
            "percent_complete": 30,
            "note": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        progress = await self.post(f"/api/v1/projects/{s.project_code}/progress", body)
        if s.progress_id is None:
            s.progress_id = progress["id"]
        s.markers |= {progress["id"], body["note"]}
        return str(progress["id"])

    async def add_risk(self, side: str) -> str:
        s = self.sides[side]
        body: dict[str, Any] = {
            "title": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "description": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "mitigation_plan": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "probability": 4,
            "impact": 5,
            "cost_impact": 1000,
        }
        risk = await self.post(f"/api/v1/projects/{s.project_code}/risks", body)
        if s.risk_id is None:
            s.risk_id = risk["id"]
        s.markers |= {risk["id"], body["title"], body["description"], body["mitigation_plan"]}
        return str(risk["id"])

    async def add_action_item(self, side: str) -> str:
        s = self.sides[side]
        body: dict[str, Any] = {
            "title": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "description": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "owner": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "due_date": "2026-01-15",
        }
        item = await self.post(f"/api/v1/projects/{s.project_code}/action-items", body)
        if s.action_item_id is None:
            s.action_item_id = item["id"]
        s.markers |= {item["id"], body["title"], body["description"], body["owner"]}
        return str(item["id"])

    async def add_decision(self, side: str) -> str:
        s = self.sides[side]
        body: dict[str, Any] = {
            "title": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "rationale": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "alternatives": [f"secret-{side}-{uuid.uuid4().hex[:10]}"],
            "decided_by": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        made = await self.post(f"/api/v1/projects/{s.project_code}/decisions", body)
        if s.decision_id is None:
            s.decision_id = made["id"]
        s.markers |= {made["id"], body["title"], body["rationale"], body["decided_by"]}
        s.markers |= set(body["alternatives"])
        # And one of the portfolio's own, which only its callers may see.
        own = await self.post(
            f"/api/v1/portfolios/{s.portfolio_id}/decisions",
            {"title": f"secret-{side}-{uuid.uuid4().hex[:10]}"},
        )
        s.markers |= {own["id"], own["title"]}
        return str(made["id"])

    async def add_gate(self, side: str) -> str:
        """A fresh gate milestone of the side's project (no review yet)."""
        s = self.sides[side]
        body = {
            "name": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "due_date": "2026-04-30",
            "is_gate": True,
        }
        gate = await self.post(f"/api/v1/projects/{s.project_code}/milestones", body)
        if s.gate_id is None:
            s.gate_id = gate["id"]
        s.markers |= {gate["id"], body["name"]}
        return str(gate["id"])

    async def add_gate_review(self, side: str) -> str:
        """An open review of a fresh gate of the side's project."""
        s = self.sides[side]
        body: dict[str, Any] = {
            "milestone_id": await self.add_gate(side),
            "notes": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "criteria": [{"text": f"secret-{side}-{uuid.uuid4().hex[:10]}", "result": "met"}],
            "reviewers": [{"name": f"secret-{side}-{uuid.uuid4().hex[:10]}"}],
        }
        review = await self.post(f"/api/v1/projects/{s.project_code}/gate-reviews", body)
        if s.gate_review_id is None:
            s.gate_review_id = review["id"]
        s.markers |= {review["id"], body["notes"], body["criteria"][0]["text"]}
        s.markers |= {body["reviewers"][0]["name"]}
        return str(review["id"])

    async def add_change_request(self, side: str) -> str:
        """A draft change request."""
        s = self.sides[side]
        body: dict[str, Any] = {
            "title": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "justification": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "category": "scope",
        }
        made = await self.post(f"/api/v1/projects/{s.project_code}/change-requests", body)
        if s.change_request_id is None:
            s.change_request_id = made["id"]
        s.markers |= {made["id"], body["title"], body["justification"]}
        return str(made["id"])

    async def add_quality_review(self, side: str) -> str:
        s = self.sides[side]
        body: dict[str, Any] = {
            "kind": "peer_review",
            "title": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "reviewer": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "summary": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        review = await self.post(f"/api/v1/projects/{s.project_code}/quality-reviews", body)
        if s.quality_review_id is None:
            s.quality_review_id = review["id"]
        s.markers |= {review["id"], body["title"], body["reviewer"], body["summary"]}
        return str(review["id"])

    async def add_quality_finding(self, side: str) -> str:
        """A finding of the side's review, with its corrective action (an action item)."""
        s = self.sides[side]
        if s.quality_review_id is None:
            await self.add_quality_review(side)
        body: dict[str, Any] = {
            "severity": "medium",
            "description": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "action_owner": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "action_due_date": "2026-01-20",
        }
        path = f"/api/v1/quality-reviews/{s.quality_review_id}/findings"
        finding = await self.post(path, body)
        if s.quality_finding_id is None:
            s.quality_finding_id = finding["id"]
        s.markers |= {
            finding["id"],
            finding["action_item_id"],
            body["description"],
            body["action_owner"],
        }
        return str(finding["id"])

    async def add_report(self, side: str) -> str:
        """A draft status report."""
        s = self.sides[side]
        body: dict[str, Any] = {
            "period_end": "2026-01-31",
            "summary": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "issues": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        report = await self.post(f"/api/v1/projects/{s.project_code}/status-reports", body)
        if s.report_id is None:
            s.report_id = report["id"]
        s.markers |= {report["id"], body["summary"], body["issues"]}
        return str(report["id"])

    async def add_kpi(self) -> str:
        """A KPI definition (of no portfolio: its code and name are no side's secret)."""
        code = f"kpi_{uuid.uuid4().hex[:10]}"
        body: dict[str, Any] = {
            "code": code,
            "name": f"KPI {code}",
            "direction": "higher_is_better",
            "target": 10,
            "amber_threshold": 5,
            "red_threshold": 2,
        }
        await self.post("/api/v1/kpis", body)
        return code

    async def add_measurement(self, side: str) -> None:
        """A value of the world's KPI for the side's project, recent enough for the
        kpi-values feed's default range."""
        s = self.sides[side]
        body: dict[str, Any] = {
            "measured_on": (datetime.now(UTC).date() - timedelta(days=20)).isoformat(),
            "value": 7,
            "note": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        path = f"/api/v1/projects/{s.project_code}/kpis/{self.kpi_code}/measurements"
        measurement = await self.post(path, body)
        s.markers |= {measurement["id"], body["note"]}

    async def add_catalog(self, param: str) -> str:
        """A fresh shared row of resource management, of the kind the path parameter names (a
        resource's rows under the world's resource)."""
        under = f"/api/v1/resources/{self.catalog.get('resource_id')}"
        if param == "skill_level_id":
            skill_id = await self.add_catalog("skill_id")
            path, body = f"{under}/skill-levels", {"skill_id": skill_id, "level": 2}
        else:
            path, body = {
                "role_id": ("/api/v1/roles", {"name": self.name("role")}),
                "skill_id": ("/api/v1/skills", {"name": self.name("skill")}),
                "resource_id": ("/api/v1/resources", {"name": self.name("person")}),
                "rate_id": (f"{under}/rates", {"effective_from": self.day(), "rate": 90}),
                "time_off_id": (
                    f"{under}/time-off",
                    {"start_date": self.day(), "end_date": self.day()},
                ),
                "holiday_id": (
                    "/api/v1/holidays",
                    {"day": self.day(), "name": self.name("holiday")},
                ),
                "certification_id": (
                    f"{under}/certifications",
                    {"name": self.name("cert"), "issued_on": self.day()},
                ),
                "template_id": (
                    "/api/v1/methodology-templates",
                    {
                        "key": self.name("tpl"),
                        "name": self.name("tpl"),
                        "milestones": [{"name": "Kick-off", "offset_days": 0}],
                    },
                ),
            }[param]
        made = await self.post(path, body)
        return str(made["id"])

    async def add_catalogs(self) -> None:
        """The shared rows every side's allocation and every catalog operation aims at: the
        resource first (the others of a resource are under it), a spare skill for new levels."""
        for param in ("resource_id", *sorted(_CATALOG_PARAMS - {"resource_id"})):
            self.catalog[param] = await self.add_catalog(param)
        self.catalog["spare_skill_id"] = await self.add_catalog("skill_id")

    async def add_allocation(self, side: str) -> str:
        """The world's resource booked on the side's project."""
        s = self.sides[side]
        body: dict[str, Any] = {
            "resource_id": self.catalog["resource_id"],
            "start_date": "2026-01-05",
            "end_date": "2026-01-30",
            "mode": "hours_per_day",
            "amount": 2,
            "status": "approved",
            "note": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        allocation = await self.post(f"/api/v1/projects/{s.project_code}/allocations", body)
        if s.allocation_id is None:
            s.allocation_id = allocation["id"]
        s.markers |= {allocation["id"], body["note"]}
        return str(allocation["id"])

    async def add_time_entry(self, side: str) -> str:
        """Hours of the world's resource on the side's project."""
        s = self.sides[side]
        body: dict[str, Any] = {
            "resource_id": self.catalog["resource_id"],
            "work_date": "2026-01-06",
            "hours": 3,
            "note": f"secret-{side}-{uuid.uuid4().hex[:10]}",
            "external_ref": f"secret-{side}-{uuid.uuid4().hex[:10]}",
        }
        entry = await self.post(f"/api/v1/projects/{s.project_code}/time-entries", body)
        if s.time_entry_id is None:
            s.time_entry_id = entry["id"]
        s.markers |= {entry["id"], body["note"], body["external_ref"]}
        return str(entry["id"])

    async def add_under_project(self, param: str, side: str) -> str:
        """A fresh object of the kind the path parameter (one of _UNDER_PROJECT) names."""
        make = {
            "allocation_id": self.add_allocation,
            "time_entry_id": self.add_time_entry,
            "milestone_id": self.add_milestone,
            "cost_id": self.add_cost,
            "progress_id": self.add_progress,
            "risk_id": self.add_risk,
            "report_id": self.add_report,
            "action_item_id": self.add_action_item,
            "decision_id": self.add_decision,
            "gate_id": self.add_gate,
            "gate_review_id": self.add_gate_review,
            "change_request_id": self.add_change_request,
            "quality_review_id": self.add_quality_review,
            "quality_finding_id": self.add_quality_finding,
            "dependency_id": self.add_dependency,
            "issue_id": self.add_issue,
            "assumption_id": self.add_assumption,
            "program_id": self.add_program,
        }[param]
        return await make(side)

    async def add_baseline(self, side: str) -> None:
        s = self.sides[side]
        category = f"secret-{side}-{uuid.uuid4().hex[:10]}"
        lines = [{"period": p, "category": category, "amount": 500} for p in ("2026-01", "2026-02")]
        response = await self.admin.put(
            f"/api/v1/projects/{s.project_code}/budget-lines", json={"lines": lines}
        )
        assert response.status_code == 200, response.text
        s.markers |= {category} | {line["id"] for line in response.json()["lines"]}

    async def add_portfolio(self, side: str) -> Side:
        name = f"secret-{side}-{uuid.uuid4().hex[:10]}"
        portfolio = await self.post("/api/v1/portfolios", {"name": name})
        self.sides[side] = Side(portfolio["id"], markers={name, portfolio["id"]})
        return self.sides[side]

    async def add_key(self) -> str:
        key = await self.post("/api/v1/api-keys", {"name": self.name("spare"), "role": "viewer"})
        return str(key["id"])


@pytest.fixture
async def world(app: FastAPI, admin_key: str) -> AsyncIterator[World]:
    await harness.empty_tables(app)
    async with (
        harness.http_client(app, admin_key) as admin,
        harness.http_client(app, None) as anon,
    ):
        w = World(app, admin, uuid.uuid4().hex[:12], {}, {}, "", anon)
        w.kpi_code = await w.add_kpi()
        await w.add_catalogs()
        for side in ("A", "B"):
            await w.add_portfolio(side)
            await w.add_project(side)
            await w.add_objective(side)
            await w.add_program(side)
            await w.add_milestone(side)
            await w.add_deletion(side)
            await w.add_cost(side)
            await w.add_progress(side)
            await w.add_baseline(side)
            await w.add_risk(side)
            await w.add_action_item(side)
            await w.add_decision(side)
            await w.add_gate_review(side)
            await w.add_change_request(side)
            await w.add_quality_review(side)
            await w.add_quality_finding(side)
            await w.add_report(side)
            await w.add_measurement(side)
            await w.add_allocation(side)
            await w.add_time_entry(side)
            await w.add_dependency(side)
            await w.add_issue(side)
            await w.add_assumption(side)
        await w.add_portfolio("S")  # empty, so that a limited admin has a portfolio to delete
        w.spare_key_id = await w.add_key()

        def ids(*sides: str) -> list[uuid.UUID]:
            return [uuid.UUID(w.sides[s].portfolio_id) for s in sides]

        revoked = await harness.make_key(app, Role.admin)
        used = await anon.get("/api/v1/projects", headers={"Authorization": f"Bearer {revoked}"})
        assert used.status_code == 200  # known (and cached) before it is revoked
        response = await admin.delete(f"/api/v1/api-keys/{key_id_of(revoked)}")
        assert response.status_code == 204, response.text
        past = datetime.now(UTC) - timedelta(minutes=1)
        w.keys = {
            "no key": None,
            "revoked key": revoked,
            "expired key": await harness.make_key(app, Role.admin, expires_at=past),
            "viewer": await harness.make_key(app, Role.viewer),
            "editor": await harness.make_key(app, Role.editor),
            "admin": await harness.make_key(app, Role.admin),
            "viewer scoped to B": await harness.make_key(app, Role.viewer, ids("B")),
            "editor scoped to A": await harness.make_key(app, Role.editor, ids("A")),
            "admin scoped to A and S": await harness.make_key(app, Role.admin, ids("A", "S")),
        }
        yield w


# --- one call, checked --------------------------------------------------------------------------


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)

    def raise_if_any(self) -> None:
        if self.failures:
            shown = "\n".join(f"  - {f}" for f in self.failures[:60])
            pytest.fail(f"{len(self.failures)} failures (the first 60 shown):\n{shown}")


@dataclass(frozen=True)
class Outcome:
    status: int
    problem: tuple[str, str] | None  # (type, title) of a problem body


@dataclass
class Refused:
    """Writes that were refused, to check afterwards that they changed nothing."""

    object_paths: set[str] = field(default_factory=set)


async def deletable(world: World, op: Operation, caller: Caller, side: str) -> dict[str, str]:
    """Path values naming a fresh object that the caller may delete (or otherwise use up, see
    consumes()), in `side`."""
    if "kpi_code" in op.path_params:
        return {"kpi_code": await world.add_kpi()}
    if "objective_id" in op.path_params:
        objective_id = await world.add_objective(side)
        return {"portfolio_id": world.sides[side].portfolio_id, "objective_id": objective_id}
    if "project" in op.path_params:
        return {"project": await world.add_project(side)}
    if "program_id" in op.path_params:
        return {"program_id": await world.add_program(side)}
    if "portfolio_id" in op.path_params:
        if not caller.limited:
            fresh = await world.add_portfolio(f"fresh-{next(world.seq)}")
            return {"portfolio_id": fresh.portfolio_id}
        assert caller.sees is not None and "S" in caller.sees, "only S is empty"
        return {"portfolio_id": world.sides["S"].portfolio_id}
    if "key_id" in op.path_params:
        return {"key_id": await world.add_key()}
    if _CATALOG_PARAMS & set(op.path_params):
        last = op.path_params[-1]  # the row itself; a resource's rows stay under the world's
        return {**world.catalog, last: await world.add_catalog(last)}
    for param in _UNDER_PROJECT:
        if param in op.path_params:
            return {param: await world.add_under_project(param, side)}
    pytest.fail(f"{op}: no way to make a fresh object to delete; teach deletable()")


def path_values(world: World, op: Operation, caller: Caller, target: Target) -> dict[str, str]:
    if target == Target.MISSING:
        return {
            "portfolio_id": str(uuid.uuid4()),
            "objective_id": str(uuid.uuid4()),
            "program_id": str(uuid.uuid4()),
            "project": "NOPE-" + uuid.uuid4().hex[:8].upper(),
            "key_id": str(uuid.uuid4()),
            "kpi_code": "nokpi_" + uuid.uuid4().hex[:10],
            **{param: str(uuid.uuid4()) for param in _UNDER_PROJECT},
            **{param: str(uuid.uuid4()) for param in _CATALOG_PARAMS},
        }
    own, other = world.sides[caller.own_side], world.sides[caller.other_side]
    side = other if target == Target.OTHER else own
    return {
        "portfolio_id": side.portfolio_id,
        "objective_id": str((other if target == Target.CROSS else side).objective_id),
        "project": str(side.project_code),
        "program_id": str(side.program_id),
        "key_id": world.spare_key_id,
        "kpi_code": world.kpi_code,  # the same definition, whichever side's project
        **{param: side.object_id(param) for param in _UNDER_PROJECT},
        **world.catalog,  # shared rows: the same whichever side
    }


def real_object_path(world: World, op: Operation, caller: Caller, target: Target) -> str | None:
    """Where the object a refused PATCH/DELETE (or publish) aimed at really lives (None: it
    does not)."""
    if target == Target.MISSING or "key_id" in op.path_params:
        return None
    if target == Target.CROSS:
        other = world.sides[caller.other_side]
        return f"/api/v1/portfolios/{other.portfolio_id}/objectives/{other.objective_id}"
    path = op.path.format(**path_values(world, op, caller, target))
    for suffix in (
        "/publish",
        "/decision",
        "/apply-template",
        "/transitions",
        "/raise",
        "/change-request",
    ):
        path = path.removesuffix(suffix)
    return path


async def call(
    world: World,
    op: Operation,
    rule: Rule,
    caller: Caller,
    target: Target,
    *,
    variant: str,
    report: Report,
    refused: Refused,
) -> Outcome:
    expected = expected_statuses(op, rule, caller, target)
    may_succeed = any(200 <= s < 300 for s in expected)
    side_name = caller.other_side if target == Target.OTHER else caller.own_side
    values = path_values(world, op, caller, target)
    if consumes(op) and may_succeed:
        values = await deletable(world, op, caller, side_name)
    for name in op.path_params:
        if name not in values:
            pytest.fail(f"{op}: no value for path parameter {{{name}}}; teach path_values()")
    path = op.path.format(**values)

    params: dict[str, str] = dict(rule.params)
    if scope_kind(op, rule) == "query" and target != Target.NONE:
        params["portfolio_id"] = (
            str(uuid.uuid4()) if target == Target.MISSING else world.sides[side_name].portfolio_id
        )
    if variant == "csv":
        params["format"] = "csv"
    body = None
    if rule.body is not None:
        portfolio_id = (
            str(uuid.uuid4()) if target == Target.MISSING else world.sides[side_name].portfolio_id
        )
        name = world.name("made" if may_succeed else "denied")
        pair = await world.milestone_pair(side_name, missing=target == Target.MISSING)
        context = BodyContext(
            portfolio_id,
            name,
            world.code(),
            world.day(),
            world.catalog,
            milestones=pair if rule.links else ("", ""),
        )
        if target == Target.MISSING:
            context = replace(context, gate_id=str(uuid.uuid4()))
        elif op.operation_id == "gate-reviews-create" and may_succeed:
            context = replace(context, gate_id=await world.add_gate(side_name))  # one open each
        else:
            context = replace(context, gate_id=str(world.sides[side_name].gate_id))
        body = rule.body(context)

    key = world.keys[caller.label]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if variant == "conditional":
        # A 304 says "it exists, at that version": never for what the caller may not see.
        headers["If-None-Match"] = "*"
        if 200 in expected:
            expected = (expected - {200}) | {304}
    response = await world.anon.request(op.method, path, params=params, json=body, headers=headers)

    where = f"{op} as {caller.label!r} on {target} ({variant})"
    status = response.status_code
    report.check(
        status in expected, f"{where}: {status}, expected {sorted(expected)}: {response.text[:200]}"
    )
    sent = str(response.request.url) + (str(body) if body else "")
    leaked = {m for m in world.forbidden(caller) if m in response.text and m not in sent}
    report.check(not leaked, f"{where}: the response carries {sorted(leaked)}")
    report.check("Traceback" not in response.text, f"{where}: a stack trace")

    problem = None
    if status >= 400:
        content_type = response.headers.get("content-type", "")
        report.check(content_type == PROBLEM_JSON, f"{where}: {status} as {content_type!r}")
        if content_type == PROBLEM_JSON:
            document = response.json()
            problem = (document.get("type"), document.get("title"))
        if status == 401:
            challenge = response.headers.get("www-authenticate", "")
            report.check(challenge.startswith("Bearer"), f"{where}: WWW-Authenticate {challenge!r}")
    elif (
        (rule.shows_portfolio or rule.shows_project)
        and status not in (204, 304)
        and target in (Target.NONE, Target.OWN)
        and caller.role is not None
    ):
        own_side = world.sides[side_name]
        if rule.shows_portfolio:
            own = own_side.portfolio_id
            report.check(own in response.text, f"{where}: its own portfolio {own} is missing")
        if rule.shows_project:
            own = str(own_side.project_id)
            report.check(own in response.text, f"{where}: its own project {own} is missing")
    if 200 <= status < 300 and op.method in ("POST", "PUT", "PATCH") and body:
        # What a caller creates (or names in a write) becomes a secret of its portfolio for
        # everyone else.
        created = response.json()
        if "portfolio_id" in created or "project_id" in created:
            world.sides[side_name].markers |= world.markers_of(created)
        elif op.operation_id == "portfolios-create":
            world.sides[f"made-{created['id']}"] = Side(
                created["id"], markers={created["id"], created["name"]}
            )
    if (op.method in ("PATCH", "DELETE", "PUT") or consumes(op)) and not 200 <= status < 300:
        real = real_object_path(world, op, caller, target)
        if real is not None:
            refused.object_paths.add(real)
    return Outcome(status, problem)


async def check_refusals_changed_nothing(world: World, refused: Refused, report: Report) -> None:
    """With an unlimited admin key: every object a refused write aimed at is still there (a
    status report still a draft), and no name sent by a refused write landed anywhere."""
    denied = f"denied-{world.tag}"
    for path in sorted(refused.object_paths):
        response = await world.admin.get(path)
        report.check(response.status_code == 200, f"refused write on {path}: now {response}")
        report.check(denied not in response.text, f"refused write on {path} changed it")
        if path.startswith("/api/v1/status-reports/") and response.status_code == 200:
            state = response.json().get("state")
            report.check(state == "draft", f"refused write on {path} made it {state}")
        if path.startswith("/api/v1/gate-reviews/") and response.status_code == 200:
            decision = response.json().get("decision")
            report.check(decision is None, f"refused write on {path} decided it: {decision}")
        if path.startswith("/api/v1/change-requests/") and response.status_code == 200:
            state = response.json().get("state")
            report.check(state == "draft", f"refused write on {path} made it {state}")
    collections = ["/api/v1/projects", "/api/v1/portfolios", "/api/v1/api-keys", "/api/v1/costs"]
    collections += ["/api/v1/risks", "/api/v1/kpis", "/api/v1/gate-reviews", "/api/v1/programs"]
    collections += ["/api/v1/change-requests"]
    for s in (world.sides[name] for name in "AB"):
        collections.append(f"/api/v1/portfolios/{s.portfolio_id}/objectives")
        collections.append(f"/api/v1/projects/{s.project_code}/milestones")
    for path in collections:
        response = await world.admin.get(path, params={"q": denied, "limit": 500})
        if response.status_code == 404:
            continue  # a portfolio deleted by an allowed call
        report.check(response.json().get("data") == [], f"a refused create landed in {path}")
    # Lists whose `q` searches nothing (progress, budget lines, status reports, measurements):
    # read whole.
    for s in (world.sides[name] for name in "AB"):
        for what in (
            "progress",
            "budget-lines",
            "status-reports",
            f"kpis/{world.kpi_code}/measurements",
        ):
            path = f"/api/v1/projects/{s.project_code}/{what}"
            response = await world.admin.get(path, params={"limit": 500})
            report.check(response.status_code == 200, f"{path}: now {response}")
            report.check(denied not in response.text, f"a refused write landed in {path}")


# --- the REST matrix ----------------------------------------------------------------------------


async def check_operation(world: World, op: Operation) -> None:
    """Every caller of the world, on every target the operation has: answered as due, nothing
    leaked, nothing changed by a refusal. (Also run for OIDC token callers, test_oidc_matrix.)"""
    rule = RULES.get(op.operation_id)
    if rule is None:
        pytest.fail(f"{op} is not in RULES: add its minimum role and a minimal valid body")
    if op.has_body and rule.body is None:
        pytest.fail(f"{op} takes a body but RULES has none for it")
    report, refused = Report(), Refused()
    # Destructive calls that succeed consume fresh objects, so the order does not matter.
    for caller in CALLERS:
        for variant in variants_of(op):
            outcomes: dict[Target, Outcome] = {}
            for target in targets_of(op, rule):
                outcomes[target] = await call(
                    world,
                    op,
                    rule,
                    caller,
                    target,
                    variant=variant,
                    report=report,
                    refused=refused,
                )
            if Target.OTHER in outcomes and not caller.can_see(caller.other_side):
                report.check(
                    outcomes[Target.OTHER] == outcomes[Target.MISSING],
                    f"{op} as {caller.label!r}: an object in another portfolio answers "
                    f"{outcomes[Target.OTHER]}, a nonexistent one {outcomes[Target.MISSING]}",
                )
    await check_refusals_changed_nothing(world, refused, report)
    report.raise_if_any()


class TestRestMatrix:
    @pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
    async def test_operation_answers_each_caller_as_due_and_leaks_nothing(
        self, world: World, op: Operation
    ) -> None:
        await check_operation(world, op)


class TestMatrixCoversTheLiveApp:
    async def test_the_live_app_has_the_operations_of_the_matrix(self, app: FastAPI) -> None:
        live = {(o.method, o.path, o.operation_id) for o in operations(app.openapi())}
        assert live == {(o.method, o.path, o.operation_id) for o in OPERATIONS}

    def test_every_rule_names_an_existing_operation(self) -> None:
        stale = set(RULES) - {o.operation_id for o in OPERATIONS}
        assert not stale, f"RULES has entries for operations that are gone: {sorted(stale)}"
        stale_fields = set(GRAPHQL_RULES) - set(GRAPHQL_FIELDS)
        assert not stale_fields, f"GRAPHQL_RULES names fields that are gone: {stale_fields}"

    def test_the_matrix_has_every_kind_of_caller_the_contract_names(self) -> None:
        labels = {c.label for c in CALLERS}
        assert {"no key", "revoked key", "expired key", "viewer", "editor", "admin"} <= labels
        assert any(c.limited and c.role == Role.viewer for c in CALLERS)


# --- the GraphQL matrix -------------------------------------------------------------------------

# With the fields nested under a project or portfolio that DataLoaders batch across projects.
PROJECT_FIELDS = (
    "id code name portfolioId portfolio { id name projects(first: 10) { nodes { id code name } } } "
    "programId program { id name portfolioId } "
    "health risks(first: 10) { nodes { id title projectId } } "
    "actionItems(first: 10) { nodes { id title owner projectId } } "
    "decisions(first: 10) { nodes { id title rationale projectId } } "
    "gateReviews(first: 10) { nodes { id notes projectId } } "
    "changeRequests(first: 10) { nodes { id title justification projectId } } "
    "qualityReviews(first: 5) { nodes { id title findings(first: 5) { id description } } } "
    "statusReports(first: 10) { nodes { id summary } } kpis { kpiCode value } "
    "allocations(first: 10) { nodes { id note } } timeEntries(first: 10) { nodes { id note } }"
)
PORTFOLIO_FIELDS = (
    "id name projects { nodes { id code name portfolio { id name } } } riskMatrix { openRisks } "
    "programs(first: 5) { nodes { id name projects(first: 5) { nodes { id code } } } } "
    "summary { topRisks { id title projectId } }"
)
MILESTONE_FIELDS = "id projectId name description dueDate weight status version"
# A programme with its projects and every rollup over them (which name the projects).
PROGRAM_FIELDS = (
    "id portfolioId name description objectives sponsor manager status version "
    "portfolio { id name } projects(first: 10) { nodes { id code name } } health "
    "healthReport { decidedBy projects(first: 10) { projectId code } } riskMatrix { openRisks } "
    "evm { rollup { bac } projects(first: 10) { projectId code name } } "
    "summary { topRisks { id title projectId } milestonesDue { id name projectCode } } "
    "compliance { programId projects(first: 10) { projectId projectCode } }"
)
COST_FIELDS = "id projectId projectCode portfolioId amount description externalRef version"
PROGRESS_FIELDS = "id projectId asOf percentComplete note version"
RISK_FIELDS = "id projectId projectCode portfolioId title description score severity version"
GATE_REVIEW_FIELDS = (
    "id projectId projectCode portfolioId milestoneId notes criteria { text result } "
    "reviewers { name vote } decision rationale version"
)
ACTION_ITEM_FIELDS = "id projectId projectCode portfolioId title description owner status version"
DECISION_FIELDS = "id projectId projectCode portfolioId title rationale alternatives decidedBy"
CHANGE_REQUEST_FIELDS = "id projectId projectCode portfolioId title justification state version"
QUALITY_REVIEW_FIELDS = "id projectId projectCode portfolioId kind title reviewer summary version"
QUALITY_FINDING_FIELDS = (
    "id reviewId projectId projectCode portfolioId severity description actionItemId "
    "actionOwner actionStatus version"
)
DEPENDENCY_FIELDS = (
    "id predecessor { hidden id name projectId projectCode } "
    "successor { hidden id name projectId projectCode } type lagDays hard note atRisk version"
)
ISSUE_FIELDS = "id projectId projectCode portfolioId title priority status riskId version"
ASSUMPTION_FIELDS = "id projectId projectCode portfolioId statement status riskId issueId version"
ALLOCATION_FIELDS = "id projectId projectCode portfolioId resourceId note warnings version"
TIME_ENTRY_FIELDS = "id projectId projectCode portfolioId resourceId hours cost note externalRef"
# A shared resource: its allocations are those of the caller's projects only.
RESOURCE_FIELDS = (
    "id name kind allocations { nodes { id projectId note } } "
    'availability(from: "2026-01-01", to: "2026-01-31", grain: MONTH) { capacity '
    "allocated { total } }"
)
KPI_FIELDS = "id code name direction target computed version"
MEASUREMENT_FIELDS = "id projectId kpiCode measuredOn value status note version"
REPORT_FIELDS = "id projectId periodEnd overall summary issues state snapshot version"
_SUCCESS_FIELDS = {
    "Project": PROJECT_FIELDS,
    "Portfolio": PORTFOLIO_FIELDS,
    "Program": PROGRAM_FIELDS,
    "Deleted": "id",
    "Milestone": MILESTONE_FIELDS,
    "CostEntry": COST_FIELDS,
    "RecordedCost": f"created cost {{ {COST_FIELDS} }}",
    "ProgressRecord": PROGRESS_FIELDS,
    "Baseline": "projectId number bac lines { id projectId period category amount }",
    "Risk": RISK_FIELDS,
    "GateReview": GATE_REVIEW_FIELDS,
    "ActionItem": ACTION_ITEM_FIELDS,
    "Decision": DECISION_FIELDS,
    "ChangeRequest": CHANGE_REQUEST_FIELDS,
    "QualityReview": QUALITY_REVIEW_FIELDS,
    "QualityFinding": QUALITY_FINDING_FIELDS,
    "Allocation": ALLOCATION_FIELDS,
    "TimeEntry": TIME_ENTRY_FIELDS,
    "RecordedTimeEntry": f"created timeEntry {{ {TIME_ENTRY_FIELDS} }}",
    "KpiDefinition": KPI_FIELDS,
    "RecordedKpiMeasurement": f"created measurement {{ {MEASUREMENT_FIELDS} }}",
    "StatusReport": REPORT_FIELDS,
    "MethodologyTemplate": "id key templateVersion latestVersion name",
    "Dependency": DEPENDENCY_FIELDS,
    "Issue": ISSUE_FIELDS,
    "Assumption": ASSUMPTION_FIELDS,
}
# Where REST shows the object a GraphQL field names by id (for the no-effect check).
_REST_OF = {
    "program_id": "/api/v1/programs",
    "dependency_id": "/api/v1/dependencies",
    "issue_id": "/api/v1/issues",
    "assumption_id": "/api/v1/assumptions",
    "milestone_id": "/api/v1/milestones",
    "cost_id": "/api/v1/costs",
    "progress_id": "/api/v1/progress",
    "risk_id": "/api/v1/risks",
    "gate_review_id": "/api/v1/gate-reviews",
    "action_item_id": "/api/v1/action-items",
    "decision_id": "/api/v1/decisions",
    "change_request_id": "/api/v1/change-requests",
    "quality_review_id": "/api/v1/quality-reviews",
    "quality_finding_id": "/api/v1/quality-findings",
    "allocation_id": "/api/v1/allocations",
    "time_entry_id": "/api/v1/time-entries",
    "report_id": "/api/v1/status-reports",
    "kpi_code": "/api/v1/kpis",
    "template_id": "/api/v1/methodology-templates",
}


def result(success: str) -> str:
    """The selection of a mutation's result union: the success type and every user error."""
    fields = _SUCCESS_FIELDS[success]
    return f"__typename ... on {success} {{ {fields} }} ... on UserError {{ message code }}"


@dataclass(frozen=True)
class GqlContext:
    portfolio_id: str  # of the target side (random when missing)
    project: str  # code of the target side's project (random when missing)
    name: str
    code: str
    object_id: str = ""  # the target side's object of the rule's `object` (random when missing)
    day: str = ""  # a date no call of the world has used yet
    kpi: str = ""  # the world's measured KPI (a definition every side shares)
    template: str = ""  # the world's methodology template (shared by every side)
    resource: str = ""  # the world's resource (shared by every side)
    milestones: tuple[str, str] = ("", "")  # two fresh milestones of the side (rule.links)


Document = Callable[[GqlContext], str]


@dataclass(frozen=True)
class GqlRule:
    role: Role
    document: Document  # a query whose single top-level field is the one under test
    targets: tuple[Target, ...]
    success: str | None = None  # a mutation's __typename on success; None: a query
    absent: str = "NotFoundError"  # a mutation's __typename for an out-of-scope target
    # "project"/"portfolio" or an `object` kind: a success consumes the object, so make one
    fresh: str | None = None
    unlimited: bool = False  # needs a key not limited to portfolios (else ForbiddenError)
    # the field names an object under a project by id (or a KPI definition by code): which kind
    object: str | None = None
    # what of its own side a query's data names: portfolio or project; None: the field is about
    # what belongs to no portfolio (KPI definitions), so its data names no side either
    shows: str | None = "portfolio"
    links: bool = False  # the document links two fresh milestones of the side


ALL_TARGETS = (Target.OWN, Target.OTHER, Target.MISSING)

GRAPHQL_RULES: dict[str, GqlRule] = {
    "portfolio": GqlRule(
        Role.viewer,
        lambda c: f'{{ portfolio(id: "{c.portfolio_id}") {{ {PORTFOLIO_FIELDS} }} }}',
        ALL_TARGETS,
    ),
    "portfolios": GqlRule(
        Role.viewer,
        lambda c: f"{{ portfolios {{ nodes {{ {PORTFOLIO_FIELDS} }} }} }}",
        (Target.NONE,),
    ),
    "project": GqlRule(
        Role.viewer,
        lambda c: f'{{ project(code: "{c.project}") {{ {PROJECT_FIELDS} }} }}',
        ALL_TARGETS,
    ),
    "projects": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ projects(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {PROJECT_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createPortfolio": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ createPortfolio(input: {{name: "{c.name}"}}) '
            f"{{ {result('Portfolio')} }} }}"
        ),
        (Target.NONE,),
        success="Portfolio",
        unlimited=True,
    ),
    "updatePortfolio": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ updatePortfolio(id: "{c.portfolio_id}", patch: {{name: "{c.name}"}}) '
            f"{{ {result('Portfolio')} }} }}"
        ),
        ALL_TARGETS,
        success="Portfolio",
    ),
    "deletePortfolio": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ deletePortfolio(id: "{c.portfolio_id}") {{ {result("Deleted")} }} }}'
        ),
        ALL_TARGETS,
        success="Deleted",
        fresh="portfolio",
    ),
    # Programmes: of a portfolio, as its projects; a fresh one (of no project) to delete.
    "program": GqlRule(
        Role.viewer,
        lambda c: f'{{ program(id: "{c.object_id}") {{ {PROGRAM_FIELDS} }} }}',
        ALL_TARGETS,
        object="program_id",
    ),
    "programs": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ programs(filter: {{portfolioId: ["{c.portfolio_id}"]}}, first: 10) '
            f"{{ nodes {{ {PROGRAM_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createProgram": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createProgram(portfolio: "{c.portfolio_id}", input: '
            f'{{name: "{c.name}", sponsor: "{c.name}"}}) {{ {result("Program")} }} }}'
        ),
        ALL_TARGETS,
        success="Program",
    ),
    "updateProgram": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateProgram(id: "{c.object_id}", patch: {{name: "{c.name}", '
            f"status: ACTIVE}}) {{ {result('Program')} }} }}"
        ),
        ALL_TARGETS,
        success="Program",
        object="program_id",
    ),
    "deleteProgram": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteProgram(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="program_id",
        fresh="program_id",
    ),
    "createProject": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createProject(input: {{code: "{c.code}", portfolioId: '
            f'"{c.portfolio_id}", name: "{c.name}"}}) {{ {result("Project")} }} }}'
        ),
        ALL_TARGETS,
        success="Project",
        absent="ValidationFailed",
    ),
    "updateProject": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateProject(project: "{c.project}", patch: {{name: "{c.name}"}}) '
            f"{{ {result('Project')} }} }}"
        ),
        ALL_TARGETS,
        success="Project",
    ),
    "deleteProject": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteProject(project: "{c.project}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        fresh="project",
    ),
    # Schedule and money: read by viewers, written by editors, scoped by the project.
    "milestone": GqlRule(
        Role.viewer,
        lambda c: f'{{ milestone(id: "{c.object_id}") {{ {MILESTONE_FIELDS} }} }}',
        ALL_TARGETS,
        object="milestone_id",
        shows="project",
    ),
    "milestones": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ milestones(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {MILESTONE_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
        shows="project",
    ),
    "cost": GqlRule(
        Role.viewer,
        lambda c: f'{{ cost(id: "{c.object_id}") {{ {COST_FIELDS} }} }}',
        ALL_TARGETS,
        object="cost_id",
    ),
    "costs": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ costs(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {COST_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createMilestone": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createMilestone(project: "{c.project}", input: {{name: "{c.name}", '
            f'dueDate: "2026-06-30"}}) {{ {result("Milestone")} }} }}'
        ),
        ALL_TARGETS,
        success="Milestone",
    ),
    "updateMilestone": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateMilestone(id: "{c.object_id}", patch: {{name: "{c.name}", '
            f"weight: 2}}) {{ {result('Milestone')} }} }}"
        ),
        ALL_TARGETS,
        success="Milestone",
        object="milestone_id",
    ),
    "deleteMilestone": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteMilestone(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="milestone_id",
        fresh="milestone_id",
    ),
    "replaceBudgetLines": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ replaceBudgetLines(project: "{c.project}", lines: [{{period: '
            f'"2026-01", category: "{c.name}", amount: 10}}]) {{ {result("Baseline")} }} }}'
        ),
        ALL_TARGETS,
        success="Baseline",
    ),
    "recordCost": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ recordCost(project: "{c.project}", input: {{incurredOn: "2026-01-05", '
            f'amount: 12.5, description: "{c.name}", externalRef: "{c.name}"}}) '
            f"{{ {result('RecordedCost')} }} }}"
        ),
        ALL_TARGETS,
        success="RecordedCost",
    ),
    "updateCost": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateCost(id: "{c.object_id}", patch: {{amount: 20, description: '
            f'"{c.name}"}}) {{ {result("CostEntry")} }} }}'
        ),
        ALL_TARGETS,
        success="CostEntry",
        object="cost_id",
    ),
    "deleteCost": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteCost(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="cost_id",
        fresh="cost_id",
    ),
    "createProgress": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createProgress(project: "{c.project}", input: {{asOf: "{c.day}", '
            f'percentComplete: 40, note: "{c.name}"}}) {{ {result("ProgressRecord")} }} }}'
        ),
        ALL_TARGETS,
        success="ProgressRecord",
    ),
    "updateProgress": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateProgress(id: "{c.object_id}", patch: {{percentComplete: 55, '
            f'note: "{c.name}"}}) {{ {result("ProgressRecord")} }} }}'
        ),
        ALL_TARGETS,
        success="ProgressRecord",
        object="progress_id",
    ),
    "deleteProgress": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteProgress(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="progress_id",
        fresh="progress_id",
    ),
    # Risks, KPI measurements and status reports: as schedule and money.
    "risk": GqlRule(
        Role.viewer,
        lambda c: f'{{ risk(id: "{c.object_id}") {{ {RISK_FIELDS} }} }}',
        ALL_TARGETS,
        object="risk_id",
    ),
    "risks": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ risks(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {RISK_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createRisk": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createRisk(project: "{c.project}", input: {{title: "{c.name}", '
            f"probability: 3, impact: 4}}) {{ {result('Risk')} }} }}"
        ),
        ALL_TARGETS,
        success="Risk",
    ),
    "updateRisk": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateRisk(id: "{c.object_id}", patch: {{title: "{c.name}", '
            f"probability: 2}}) {{ {result('Risk')} }} }}"
        ),
        ALL_TARGETS,
        success="Risk",
        object="risk_id",
    ),
    # Issue 16, the RAID log.
    "dependency": GqlRule(
        Role.viewer,
        lambda c: f'{{ dependency(id: "{c.object_id}") {{ {DEPENDENCY_FIELDS} }} }}',
        ALL_TARGETS,
        object="dependency_id",
        shows="project",
    ),
    "dependencies": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ dependencies(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {DEPENDENCY_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
        shows="project",
    ),
    "createDependency": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createDependency(input: {{predecessorId: "{c.milestones[0]}", '
            f'successorId: "{c.milestones[1]}", note: "{c.name}"}}) '
            f"{{ {result('Dependency')} }} }}"
        ),
        ALL_TARGETS,
        success="Dependency",
        absent="ValidationFailed",
        links=True,
    ),
    "updateDependency": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateDependency(id: "{c.object_id}", patch: {{lagDays: 4, '
            f'note: "{c.name}"}}) {{ {result("Dependency")} }} }}'
        ),
        ALL_TARGETS,
        success="Dependency",
        object="dependency_id",
    ),
    "deleteDependency": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteDependency(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="dependency_id",
        fresh="dependency_id",
    ),
    "issue": GqlRule(
        Role.viewer,
        lambda c: f'{{ issue(id: "{c.object_id}") {{ {ISSUE_FIELDS} }} }}',
        ALL_TARGETS,
        object="issue_id",
    ),
    "issues": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ issues(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {ISSUE_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createIssue": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createIssue(project: "{c.project}", input: {{title: "{c.name}", '
            f"priority: HIGH}}) {{ {result('Issue')} }} }}"
        ),
        ALL_TARGETS,
        success="Issue",
    ),
    "updateIssue": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateIssue(id: "{c.object_id}", patch: {{title: "{c.name}", '
            f"status: IN_PROGRESS}}) {{ {result('Issue')} }} }}"
        ),
        ALL_TARGETS,
        success="Issue",
        object="issue_id",
    ),
    "deleteIssue": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteIssue(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="issue_id",
        fresh="issue_id",
    ),
    "assumption": GqlRule(
        Role.viewer,
        lambda c: f'{{ assumption(id: "{c.object_id}") {{ {ASSUMPTION_FIELDS} }} }}',
        ALL_TARGETS,
        object="assumption_id",
    ),
    "assumptions": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ assumptions(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {ASSUMPTION_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createAssumption": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createAssumption(project: "{c.project}", input: '
            f'{{statement: "{c.name}", confidence: LOW}}) {{ {result("Assumption")} }} }}'
        ),
        ALL_TARGETS,
        success="Assumption",
    ),
    "updateAssumption": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateAssumption(id: "{c.object_id}", patch: {{owner: "{c.name}"}}) '
            f"{{ {result('Assumption')} }} }}"
        ),
        ALL_TARGETS,
        success="Assumption",
        object="assumption_id",
    ),
    "deleteAssumption": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteAssumption(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="assumption_id",
        fresh="assumption_id",
    ),
    "raiseFromAssumption": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ raiseFromAssumption(id: "{c.object_id}", input: {{kind: RISK, '
            f'title: "{c.name}"}}) {{ {result("Assumption")} }} }}'
        ),
        ALL_TARGETS,
        success="Assumption",
        object="assumption_id",
        fresh="assumption_id",
    ),
    "raiseChangeRequestFromIssue": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ raiseChangeRequestFromIssue(id: "{c.object_id}", input: '
            f'{{category: SCHEDULE, title: "{c.name}"}}) {{ {result("Issue")} }} }}'
        ),
        ALL_TARGETS,
        success="Issue",
        object="issue_id",
        fresh="issue_id",
    ),
    "deleteRisk": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteRisk(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="risk_id",
        fresh="risk_id",
    ),
    # Gate reviews: as risks; a review is created on a fresh gate (one open review per gate),
    # and deciding one uses it up.
    "gateReview": GqlRule(
        Role.viewer,
        lambda c: f'{{ gateReview(id: "{c.object_id}") {{ {GATE_REVIEW_FIELDS} }} }}',
        ALL_TARGETS,
        object="gate_review_id",
    ),
    "gateReviews": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ gateReviews(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {GATE_REVIEW_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createGateReview": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createGateReview(project: "{c.project}", input: {{milestoneId: '
            f'"{c.object_id}", notes: "{c.name}"}}) {{ {result("GateReview")} }} }}'
        ),
        ALL_TARGETS,
        success="GateReview",
        object="gate_id",
        fresh="gate_id",
    ),
    "updateGateReview": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateGateReview(id: "{c.object_id}", patch: {{notes: "{c.name}"}}) '
            f"{{ {result('GateReview')} }} }}"
        ),
        ALL_TARGETS,
        success="GateReview",
        object="gate_review_id",
    ),
    "deleteGateReview": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteGateReview(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="gate_review_id",
        fresh="gate_review_id",
    ),
    "decideGateReview": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ decideGateReview(id: "{c.object_id}", input: {{decision: RECYCLE, '
            f'rationale: "{c.name}"}}) {{ {result("GateReview")} }} }}'
        ),
        ALL_TARGETS,
        success="GateReview",
        object="gate_review_id",
        fresh="gate_review_id",
    ),
    # Action items: as risks.
    "actionItem": GqlRule(
        Role.viewer,
        lambda c: f'{{ actionItem(id: "{c.object_id}") {{ {ACTION_ITEM_FIELDS} }} }}',
        ALL_TARGETS,
        object="action_item_id",
    ),
    "actionItems": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ actionItems(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {ACTION_ITEM_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createActionItem": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createActionItem(project: "{c.project}", input: {{title: "{c.name}", '
            f'owner: "Ana"}}) {{ {result("ActionItem")} }} }}'
        ),
        ALL_TARGETS,
        success="ActionItem",
    ),
    "updateActionItem": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateActionItem(id: "{c.object_id}", patch: {{title: "{c.name}", '
            f"status: DONE}}) {{ {result('ActionItem')} }} }}"
        ),
        ALL_TARGETS,
        success="ActionItem",
        object="action_item_id",
    ),
    "deleteActionItem": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteActionItem(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="action_item_id",
        fresh="action_item_id",
    ),
    # The decision log: a project's entries as risks; a portfolio's through the portfolio.
    "decision": GqlRule(
        Role.viewer,
        lambda c: f'{{ decision(id: "{c.object_id}") {{ {DECISION_FIELDS} }} }}',
        ALL_TARGETS,
        object="decision_id",
    ),
    "decisions": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ decisions(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {DECISION_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createDecision": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createDecision(project: "{c.project}", input: {{title: "{c.name}", '
            f'alternatives: ["x"]}}) {{ {result("Decision")} }} }}'
        ),
        ALL_TARGETS,
        success="Decision",
    ),
    "updateDecision": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateDecision(id: "{c.object_id}", patch: {{title: "{c.name}"}}) '
            f"{{ {result('Decision')} }} }}"
        ),
        ALL_TARGETS,
        success="Decision",
        object="decision_id",
    ),
    "deleteDecision": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteDecision(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="decision_id",
        fresh="decision_id",
    ),
    # Change requests: as risks; a transition uses up its draft.
    "changeRequest": GqlRule(
        Role.viewer,
        lambda c: f'{{ changeRequest(id: "{c.object_id}") {{ {CHANGE_REQUEST_FIELDS} }} }}',
        ALL_TARGETS,
        object="change_request_id",
    ),
    "changeRequests": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ changeRequests(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {CHANGE_REQUEST_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createChangeRequest": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createChangeRequest(project: "{c.project}", input: {{title: '
            f'"{c.name}", category: SCOPE}}) {{ {result("ChangeRequest")} }} }}'
        ),
        ALL_TARGETS,
        success="ChangeRequest",
    ),
    "updateChangeRequest": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateChangeRequest(id: "{c.object_id}", patch: {{title: "{c.name}"}}) '
            f"{{ {result('ChangeRequest')} }} }}"
        ),
        ALL_TARGETS,
        success="ChangeRequest",
        object="change_request_id",
    ),
    "deleteChangeRequest": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ deleteChangeRequest(id: "{c.object_id}") {{ {result("Deleted")} }} }}'
        ),
        ALL_TARGETS,
        success="Deleted",
        object="change_request_id",
        fresh="change_request_id",
    ),
    "transitionChangeRequest": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ transitionChangeRequest(id: "{c.object_id}", input: {{to: SUBMITTED, '
            f'note: "{c.name}"}}) {{ {result("ChangeRequest")} }} }}'
        ),
        ALL_TARGETS,
        success="ChangeRequest",
        object="change_request_id",
        fresh="change_request_id",
    ),
    # Quality reviews and findings: as risks; a finding is made under a review (by its id).
    "qualityReview": GqlRule(
        Role.viewer,
        lambda c: f'{{ qualityReview(id: "{c.object_id}") {{ {QUALITY_REVIEW_FIELDS} }} }}',
        ALL_TARGETS,
        object="quality_review_id",
    ),
    "qualityReviews": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ qualityReviews(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {QUALITY_REVIEW_FIELDS} findings {{ id description }} }} "
            "edges { node { id } } } }"
        ),
        ALL_TARGETS,
    ),
    "qualityFinding": GqlRule(
        Role.viewer,
        lambda c: f'{{ qualityFinding(id: "{c.object_id}") {{ {QUALITY_FINDING_FIELDS} }} }}',
        ALL_TARGETS,
        object="quality_finding_id",
    ),
    "qualityFindings": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ qualityFindings(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {QUALITY_FINDING_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createQualityReview": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createQualityReview(project: "{c.project}", input: {{kind: AUDIT, '
            f'title: "{c.name}"}}) {{ {result("QualityReview")} }} }}'
        ),
        ALL_TARGETS,
        success="QualityReview",
    ),
    "updateQualityReview": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateQualityReview(id: "{c.object_id}", patch: {{title: "{c.name}", '
            f"status: HELD}}) {{ {result('QualityReview')} }} }}"
        ),
        ALL_TARGETS,
        success="QualityReview",
        object="quality_review_id",
    ),
    "deleteQualityReview": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ deleteQualityReview(id: "{c.object_id}") {{ {result("Deleted")} }} }}'
        ),
        ALL_TARGETS,
        success="Deleted",
        object="quality_review_id",
        fresh="quality_review_id",
    ),
    "createQualityFinding": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createQualityFinding(review: "{c.object_id}", input: {{severity: LOW, '
            f'description: "{c.name}", actionOwner: "Ana"}}) {{ {result("QualityFinding")} }} }}'
        ),
        ALL_TARGETS,
        success="QualityFinding",
        object="quality_review_id",
    ),
    "updateQualityFinding": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateQualityFinding(id: "{c.object_id}", patch: {{description: '
            f'"{c.name}", actionStatus: DONE}}) {{ {result("QualityFinding")} }} }}'
        ),
        ALL_TARGETS,
        success="QualityFinding",
        object="quality_finding_id",
    ),
    "deleteQualityFinding": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ deleteQualityFinding(id: "{c.object_id}") {{ {result("Deleted")} }} }}'
        ),
        ALL_TARGETS,
        success="Deleted",
        object="quality_finding_id",
        fresh="quality_finding_id",
    ),
    "kpiValues": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ kpiValues(filter: {{portfolioId: ["{c.portfolio_id}"]}}) {{ nodes '
            "{ portfolioId projectId projectCode kpiCode measuredOn value status } "
            "edges { node { projectId } } } }"
        ),
        ALL_TARGETS,
    ),
    "recordKpiMeasurement": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ recordKpiMeasurement(project: "{c.project}", kpi: "{c.kpi}", '
            f'input: {{measuredOn: "{c.day}", value: 4.5, note: "{c.name}"}}) '
            f"{{ {result('RecordedKpiMeasurement')} }} }}"
        ),
        ALL_TARGETS,
        success="RecordedKpiMeasurement",
    ),
    "statusReport": GqlRule(
        Role.viewer,
        lambda c: f'{{ statusReport(id: "{c.object_id}") {{ {REPORT_FIELDS} }} }}',
        ALL_TARGETS,
        object="report_id",
        shows="project",
    ),
    "createStatusReport": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createStatusReport(project: "{c.project}", input: {{periodEnd: '
            f'"2026-01-31", summary: "{c.name}"}}) {{ {result("StatusReport")} }} }}'
        ),
        ALL_TARGETS,
        success="StatusReport",
    ),
    "updateStatusReport": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateStatusReport(id: "{c.object_id}", patch: {{summary: "{c.name}", '
            f"overall: AMBER}}) {{ {result('StatusReport')} }} }}"
        ),
        ALL_TARGETS,
        success="StatusReport",
        object="report_id",
    ),
    "deleteStatusReport": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ deleteStatusReport(id: "{c.object_id}") {{ {result("Deleted")} }} }}'
        ),
        ALL_TARGETS,
        success="Deleted",
        object="report_id",
        fresh="report_id",
    ),
    # Publishing uses up a draft (publishing again is a ConflictError): each success a fresh one.
    "publishStatusReport": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ publishStatusReport(id: "{c.object_id}") '
            f"{{ {result('StatusReport')} }} }}"
        ),
        ALL_TARGETS,
        success="StatusReport",
        object="report_id",
        fresh="report_id",
    ),
    # KPI definitions belong to no portfolio: read by viewers, written only by an admin key not
    # limited to portfolios.
    "kpis": GqlRule(
        Role.viewer,
        lambda c: f"{{ kpis(first: 100) {{ nodes {{ {KPI_FIELDS} }} }} }}",
        (Target.NONE,),
        shows=None,
    ),
    "resourceKpiValues": GqlRule(
        Role.viewer,
        lambda c: (
            '{ resourceKpiValues(filter: {from: "2026-01-01", to: "2026-02-28"}) { nodes '
            "{ resourceId resourceName roleId kpiCode measuredOn value status } } }"
        ),
        (Target.NONE,),
        shows=None,
    ),
    # Resource management: resources are everyone's to read; allocations belong to a project.
    "resource": GqlRule(
        Role.viewer,
        lambda c: f'{{ resource(id: "{c.object_id}") {{ {RESOURCE_FIELDS} }} }}',
        (Target.OWN, Target.MISSING),
        object="resource_id",
        shows=None,
    ),
    "resources": GqlRule(
        Role.viewer,
        lambda c: f"{{ resources(first: 100) {{ nodes {{ {RESOURCE_FIELDS} }} }} }}",
        (Target.NONE,),
        shows=None,
    ),
    "allocation": GqlRule(
        Role.viewer,
        lambda c: f'{{ allocation(id: "{c.object_id}") {{ {ALLOCATION_FIELDS} }} }}',
        ALL_TARGETS,
        object="allocation_id",
    ),
    "allocations": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ allocations(filter: {{portfolioId: ["{c.portfolio_id}"]}}) '
            f"{{ nodes {{ {ALLOCATION_FIELDS} }} edges {{ node {{ id }} }} }} }}"
        ),
        ALL_TARGETS,
    ),
    "createAllocation": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createAllocation(project: "{c.project}", input: {{resourceId: '
            f'"{c.resource}", startDate: "2026-02-02", endDate: "2026-02-06", mode: PERCENT, '
            f'amount: 20, note: "{c.name}"}}) {{ {result("Allocation")} }} }}'
        ),
        ALL_TARGETS,
        success="Allocation",
    ),
    "updateAllocation": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateAllocation(id: "{c.object_id}", patch: {{note: "{c.name}", '
            f"amount: 3}}) {{ {result('Allocation')} }} }}"
        ),
        ALL_TARGETS,
        success="Allocation",
        object="allocation_id",
    ),
    "deleteAllocation": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteAllocation(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="allocation_id",
        fresh="allocation_id",
    ),
    # The planning views count every project's hours; over-allocations name only the
    # allocations of projects the caller may see (a threshold of 0.01: the world's bookings).
    "capacity": GqlRule(
        Role.viewer,
        lambda c: (
            '{ capacity(from: "2026-01-01", to: "2026-01-31", groupBy: RESOURCE) '
            "{ resourceId name capacity gap demand { named unfilled total } } }"
        ),
        (Target.NONE,),
        shows=None,
    ),
    "overAllocations": GqlRule(
        Role.viewer,
        lambda c: (
            '{ overAllocations(from: "2026-01-01", to: "2026-01-31", threshold: 0.01) '
            "{ resourceId allocated overByHours hiddenAllocations "
            "allocations { id projectId projectCode } } }"
        ),
        (Target.NONE,),
        shows=None,
    ),
    "recordTimeEntry": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ recordTimeEntry(project: "{c.project}", input: {{resourceId: '
            f'"{c.resource}", workDate: "{c.day}", hours: 1.5, note: "{c.name}", '
            f'externalRef: "{c.name}"}}) {{ {result("RecordedTimeEntry")} }} }}'
        ),
        ALL_TARGETS,
        success="RecordedTimeEntry",
    ),
    "updateTimeEntry": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ updateTimeEntry(id: "{c.object_id}", patch: {{note: "{c.name}", '
            f"hours: 2}}) {{ {result('TimeEntry')} }} }}"
        ),
        ALL_TARGETS,
        success="TimeEntry",
        object="time_entry_id",
    ),
    "deleteTimeEntry": GqlRule(
        Role.editor,
        lambda c: f'mutation {{ deleteTimeEntry(id: "{c.object_id}") {{ {result("Deleted")} }} }}',
        ALL_TARGETS,
        success="Deleted",
        object="time_entry_id",
        fresh="time_entry_id",
    ),
    "methodologyTemplates": GqlRule(
        Role.viewer,
        lambda c: "{ methodologyTemplates(first: 100) { nodes { id key templateVersion } } }",
        (Target.NONE,),
        shows=None,
    ),
    "methodologyTemplate": GqlRule(
        Role.viewer,
        lambda c: (
            f'{{ methodologyTemplate(id: "{c.object_id}") {{ id key '
            "versions { templateVersion name } } }"
        ),
        (Target.OWN, Target.MISSING),
        object="template_id",
        shows=None,
    ),
    "createTemplate": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ createTemplate(input: {{key: "{c.code.lower()}", name: "{c.name}"}}) '
            f"{{ {result('MethodologyTemplate')} }} }}"
        ),
        (Target.NONE,),
        success="MethodologyTemplate",
        unlimited=True,
        shows=None,
    ),
    "publishTemplateVersion": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ publishTemplateVersion(id: "{c.object_id}", input: {{name: '
            f'"{c.name}"}}) {{ {result("MethodologyTemplate")} }} }}'
        ),
        (Target.OWN, Target.MISSING),
        success="MethodologyTemplate",
        unlimited=True,
        object="template_id",
        shows=None,
    ),
    "createProjectFromTemplate": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ createProjectFromTemplate(input: {{templateId: "{c.template}", '
            f'code: "{c.code}", portfolioId: "{c.portfolio_id}", name: "{c.name}", '
            f'startDate: "{c.day}"}}) {{ {result("Project")} }} }}'
        ),
        ALL_TARGETS,
        success="Project",
        absent="ValidationFailed",
    ),
    "applyTemplate": GqlRule(
        Role.editor,
        lambda c: (
            f'mutation {{ applyTemplate(project: "{c.project}", input: {{templateId: '
            f'"{c.template}"}}) {{ {result("Project")} }} }}'
        ),
        ALL_TARGETS,
        success="Project",
        fresh="project",
    ),
    "kpi": GqlRule(
        Role.viewer,
        lambda c: f'{{ kpi(code: "{c.object_id}") {{ {KPI_FIELDS} }} }}',
        (Target.OWN, Target.MISSING),
        object="kpi_code",
        shows=None,
    ),
    "createKpi": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ createKpi(input: {{code: "{c.code.lower().replace("-", "_")}", '
            f'name: "{c.name}", direction: HIGHER_IS_BETTER}}) {{ {result("KpiDefinition")} }} }}'
        ),
        (Target.NONE,),
        success="KpiDefinition",
        unlimited=True,
        shows=None,
    ),
    "updateKpi": GqlRule(
        Role.admin,
        lambda c: (
            f'mutation {{ updateKpi(code: "{c.object_id}", patch: {{name: "{c.name}", '
            f"target: 9}}) {{ {result('KpiDefinition')} }} }}"
        ),
        (Target.OWN, Target.MISSING),
        success="KpiDefinition",
        unlimited=True,
        object="kpi_code",
        shows=None,
    ),
    "deleteKpi": GqlRule(
        Role.admin,
        lambda c: f'mutation {{ deleteKpi(code: "{c.object_id}") {{ {result("Deleted")} }} }}',
        (Target.OWN, Target.MISSING),
        success="Deleted",
        unlimited=True,
        object="kpi_code",
        fresh="kpi_code",
        shows=None,
    ),
}


def expected_typenames(rule: GqlRule, caller: Caller, target: Target) -> frozenset[str]:
    """For a mutation: the __typename (or typenames) the result may have."""
    assert caller.role is not None and rule.success is not None
    if _RANK[caller.role] < _RANK[rule.role]:
        if visible(caller, target) or target == Target.NONE:
            return frozenset({"ForbiddenError"})
        return frozenset({"ForbiddenError", rule.absent})
    if rule.unlimited and caller.limited:
        return frozenset({"ForbiddenError"})
    if visible(caller, target):
        return frozenset({rule.success})
    return frozenset({rule.absent})


async def gql_call(
    world: World,
    field_name: str,
    rule: GqlRule,
    caller: Caller,
    target: Target,
    *,
    report: Report,
    refused: Refused,
) -> str:
    """Runs the field for the caller; returns a summary of the outcome (for comparing an
    out-of-scope target with a missing one)."""
    side_name = caller.other_side if target == Target.OTHER else caller.own_side
    side = world.sides[side_name]
    missing = target == Target.MISSING
    object_id = ""
    if rule.object == "kpi_code":
        object_id = "nokpi_" + uuid.uuid4().hex[:10] if missing else world.kpi_code
    elif rule.object in _CATALOG_PARAMS:
        object_id = str(uuid.uuid4()) if missing else world.catalog[rule.object]
    elif rule.object is not None:
        object_id = str(uuid.uuid4()) if missing else side.object_id(rule.object)
    context = GqlContext(
        portfolio_id=str(uuid.uuid4()) if missing else side.portfolio_id,
        project="NOPE-" + uuid.uuid4().hex[:8].upper() if missing else str(side.project_code),
        name=world.name("denied"),
        code=world.code(),
        object_id=object_id,
        day=world.day(),
        kpi=world.kpi_code,
        resource=world.catalog["resource_id"],
        template=world.catalog["template_id"],
    )
    if rule.links:
        context = replace(
            context, milestones=await world.milestone_pair(side_name, missing=missing)
        )
    expected: frozenset[str] = frozenset()
    if rule.success is not None and caller.role is not None:
        expected = expected_typenames(rule, caller, target)
        if rule.success in expected:
            context = replace(context, name=world.name("made"))
            if rule.fresh == "project":
                context = replace(context, project=await world.add_project(side_name))
            elif rule.fresh == "portfolio":
                fresh_id = (
                    (await world.add_portfolio(f"fresh-{next(world.seq)}")).portfolio_id
                    if not caller.limited
                    else world.sides["S"].portfolio_id
                )
                context = replace(context, portfolio_id=fresh_id)
            elif rule.fresh == "kpi_code":
                context = replace(context, object_id=await world.add_kpi())
            elif rule.fresh is not None:
                fresh_object = await world.add_under_project(rule.fresh, side_name)
                context = replace(context, object_id=fresh_object)
    query = rule.document(context)
    key = world.keys[caller.label]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = await world.anon.post("/graphql", json={"query": query}, headers=headers)
    where = f"GraphQL {field_name} as {caller.label!r} on {target}"
    leaked = {m for m in world.forbidden(caller) if m in response.text and m not in query}
    report.check(not leaked, f"{where}: the response carries {sorted(leaked)}")
    if caller.role is None:
        report.check(response.status_code == 401, f"{where}: {response.status_code}, not 401")
        return str(response.status_code)
    if response.status_code != 200:
        report.check(False, f"{where}: {response.status_code} {response.text[:200]}")
        return str(response.status_code)
    document = response.json()
    report.check("errors" not in document, f"{where}: errors {document.get('errors')}")
    value = (document.get("data") or {}).get(field_name)
    own = side.portfolio_id if rule.shows == "portfolio" else str(side.project_id)
    if rule.success is None:  # a query
        empty = value in (None, []) or (isinstance(value, dict) and value.get("nodes") == [])
        if not visible(caller, target):
            report.check(empty, f"{where}: answered {str(value)[:200]}")
            return "empty" if empty else "data"
        if rule.shows is None:
            report.check(not empty, f"{where}: answered {str(value)[:200]}")
        else:
            report.check(own in response.text, f"{where}: its own {rule.shows} {own} is missing")
        return "data"
    typename = value.get("__typename") if isinstance(value, dict) else None
    report.check(typename in expected, f"{where}: {typename}, expected {sorted(expected)}")
    if (
        typename == rule.success
        and rule.success not in ("Deleted", "Portfolio")
        and rule.shows is not None
    ):
        # What a caller creates (or names in a write) becomes a secret of its portfolio.
        world.sides[side_name].markers |= world.markers_of(value)
    elif typename == rule.success == "Portfolio" and field_name.startswith("create"):
        created = value or {}
        markers = {created.get("id", ""), created.get("name", "")} - {""}
        world.sides[f"made-{created.get('id')}"] = Side(str(created.get("id")), markers=markers)
    refused_write = typename != rule.success and field_name.startswith(
        ("update", "delete", "replace", "publish", "decide")
    )
    if refused_write and target in (Target.OWN, Target.OTHER):
        if rule.object is not None:
            refused.object_paths.add(f"{_REST_OF[rule.object]}/{context.object_id}")
        elif field_name == "replaceBudgetLines":
            refused.object_paths.add(f"/api/v1/projects/{side.project_code}/budget-lines")
        elif "Project" in field_name:
            refused.object_paths.add(f"/api/v1/projects/{side.project_code}")
        else:
            refused.object_paths.add(f"/api/v1/portfolios/{side.portfolio_id}")
    return str(typename)


async def check_field(world: World, field_name: str) -> None:
    """The GraphQL field for every caller of the world (also run for OIDC token callers)."""
    rule = GRAPHQL_RULES.get(field_name)
    if rule is None:
        pytest.fail(f"GraphQL field {field_name} is not in GRAPHQL_RULES: add its rule")
    report, refused = Report(), Refused()
    for caller in CALLERS:
        outcomes: dict[Target, str] = {}
        for target in rule.targets:
            outcomes[target] = await gql_call(
                world, field_name, rule, caller, target, report=report, refused=refused
            )
        if Target.OTHER in outcomes and not caller.can_see(caller.other_side):
            report.check(
                outcomes[Target.OTHER] == outcomes[Target.MISSING],
                f"GraphQL {field_name} as {caller.label!r}: another portfolio's object "
                f"answers {outcomes[Target.OTHER]}, a nonexistent one "
                f"{outcomes[Target.MISSING]}",
            )
    await check_refusals_changed_nothing(world, refused, report)
    report.raise_if_any()


class TestGraphQLMatrix:
    @pytest.mark.parametrize("field_name", GRAPHQL_FIELDS)
    async def test_field_answers_each_caller_as_due_and_leaks_nothing(
        self, world: World, field_name: str
    ) -> None:
        await check_field(world, field_name)


# --- paths around the matrix --------------------------------------------------------------------


class TestIdempotencyKeysArePerApiKey:
    async def test_another_key_reusing_an_idempotency_key_gets_no_replay(
        self, world: World
    ) -> None:
        """A replay would hand another caller the first caller's response: an object in a
        portfolio it may not see."""
        a = world.sides["A"]
        body = {"code": world.code(), "portfolio_id": a.portfolio_id, "name": world.name("made")}
        headers = {"Idempotency-Key": f"shared-{world.tag}"}
        editor_b = await harness.make_key(
            world.app, Role.editor, [uuid.UUID(world.sides["B"].portfolio_id)]
        )

        async def post(key: str | None) -> httpx.Response:
            auth = {"Authorization": f"Bearer {key}", **headers}
            return await world.anon.post("/api/v1/projects", json=body, headers=auth)

        first = await post(world.keys["editor scoped to A"])
        assert first.status_code == 201, first.text
        other = await post(editor_b)
        assert other.status_code == 422, other.text
        assert "idempotent-replayed" not in other.headers
        assert first.json()["id"] not in other.text
        assert ["body", "portfolio_id"] in [e["loc"] for e in other.json()["errors"]]
        unlimited = await post(world.keys["editor"])
        assert unlimited.status_code == 409, unlimited.text  # the code is taken: no replay
        assert "idempotent-replayed" not in unlimited.headers


class TestMovingAProjectOutOfScope:
    async def test_a_limited_editor_cannot_move_its_project_to_another_portfolio(
        self, world: World
    ) -> None:
        a, b = world.sides["A"], world.sides["B"]
        key = world.keys["editor scoped to A"]
        auth = {"Authorization": f"Bearer {key}"}
        before = (await world.admin.get(f"/api/v1/projects/{a.project_code}")).json()
        rest = await world.anon.patch(
            f"/api/v1/projects/{a.project_code}",
            json={"portfolio_id": b.portfolio_id},
            headers=auth,
        )
        assert rest.status_code == 422, rest.text
        assert ["body", "portfolio_id"] in [e["loc"] for e in rest.json()["errors"]]
        query = (
            f'mutation {{ updateProject(project: "{a.project_code}", patch: {{portfolioId: '
            f'"{b.portfolio_id}"}}) {{ __typename ... on Project {{ portfolioId }} }} }}'
        )
        graphql = await world.anon.post("/graphql", json={"query": query}, headers=auth)
        assert graphql.json()["data"]["updateProject"]["__typename"] == "ValidationFailed"
        for response in (rest, graphql):
            leaked = {m for m in b.markers - {b.portfolio_id} if m in response.text}
            assert not leaked, leaked
        now = (await world.admin.get(f"/api/v1/projects/{a.project_code}")).json()
        assert now["portfolio_id"] == a.portfolio_id and now["version"] == before["version"]


class TestCostUpsertsStayInScope:
    async def test_an_external_ref_of_another_portfolio_updates_nothing_there(
        self, world: World
    ) -> None:
        """Recording a cost with an `external_ref` the project already has updates that entry
        (200): never an entry of a project the caller may not see, whatever the reference."""
        a, b = world.sides["A"], world.sides["B"]
        theirs = (await world.admin.get(f"/api/v1/costs/{b.cost_id}")).json()
        auth = {"Authorization": f"Bearer {world.keys['editor scoped to A']}"}
        body = {"incurred_on": "2026-02-01", "amount": 1, "external_ref": theirs["external_ref"]}
        sent = f"{b.project_code} {body}"  # what the caller itself names may come back

        into_b = await world.anon.post(
            f"/api/v1/projects/{b.project_code}/costs", json=body, headers=auth
        )
        assert into_b.status_code == 404, into_b.text
        into_a = await world.anon.post(
            f"/api/v1/projects/{a.project_code}/costs", json=body, headers=auth
        )
        assert into_a.status_code == 201, into_a.text  # a new entry of A's project
        assert into_a.json()["project_id"] == a.project_id
        query = (
            f'mutation {{ recordCost(project: "{b.project_code}", input: {{incurredOn: '
            f'"2026-02-01", amount: 1, externalRef: "{theirs["external_ref"]}"}}) '
            "{ __typename } }"
        )
        graphql = await world.anon.post("/graphql", json={"query": query}, headers=auth)
        assert graphql.json()["data"]["recordCost"]["__typename"] == "NotFoundError"
        for response in (into_b, into_a, graphql):
            leaked = {m for m in b.markers if m in response.text and m not in sent + query}
            assert not leaked, leaked
        now = (await world.admin.get(f"/api/v1/costs/{b.cost_id}")).json()
        assert now == theirs
