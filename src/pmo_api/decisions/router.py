"""REST endpoints for the decision log: per project, per portfolio and across both."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import CsvFile, ResourceRoutes
from pmo_api.decisions import repository as repo
from pmo_api.decisions import service
from pmo_api.decisions.schemas import (
    DecisionCreate,
    DecisionFeedParams,
    DecisionListParams,
    DecisionOut,
    DecisionPage,
    DecisionPatch,
)

router = APIRouter(tags=["decisions"])

DECISIONS_CSV = CsvFile(repo.FIELDS, "decisions.csv")

decision_lists = ListRoutes(
    router, DecisionPage, service.list_decisions, service.decision_json, DECISIONS_CSV
)


@decision_lists.route("/api/v1/decisions", "decisions-list")
def list_decisions(params: DecisionFeedParams) -> service.DecisionFilter:
    """The decisions of the projects and portfolios the caller may see. Filter by
    `portfolio_id` (a portfolio's own decisions and its projects'), `project` (id or code),
    `source`, `decided_since`, `decided_until` (inclusive), `q`, `updated_since`; CSV streams
    every matching row."""
    return service.DecisionFilter.of(params)


@decision_lists.route("/api/v1/projects/{project}/decisions", "project-decisions-list")
def list_project_decisions(params: DecisionListParams, project: str) -> service.DecisionFilter:
    """The project's decision log; CSV on request."""
    return service.DecisionFilter.of(params, project=project)


@decision_lists.route("/api/v1/portfolios/{portfolio_id}/decisions", "portfolio-decisions-list")
def list_portfolio_decisions(
    params: DecisionListParams, portfolio_id: uuid.UUID
) -> service.DecisionFilter:
    """The portfolio's own decision log (its projects' decisions are in theirs, and in
    `GET /api/v1/decisions?portfolio_id=`); CSV on request."""
    return service.DecisionFilter.of(params, portfolio=portfolio_id)


_CREATE_DOC = """Record a decision (editor): `decided_on` defaults to today (UTC); `source` is
`meeting` or `other` (gate reviews and change requests record theirs, read-only). Honours
`Idempotency-Key`."""

decision = ResourceRoutes(
    router, "/api/v1/decisions/{decision_id}", DecisionOut, service.decision_json
)
decision.create(
    "/api/v1/projects/{project}/decisions",
    service.create_project_decision,
    DecisionCreate,
    "A project's decision. " + _CREATE_DOC,
)
decision.get(service.visible_decision, "One decision. Honours `If-None-Match`.")
decision.update(
    service.update_decision,
    DecisionPatch,
    """JSON Merge Patch of a decision (editor); `source` and `source_id` are fixed. An entry
    recorded by a gate review or a change request (`read_only`) is a 409. Honours
    `If-Match`.""",
)
decision.delete(
    service.delete_decision,
    """Remove a decision (editor); an entry recorded by a gate review or a change request
    (`read_only`) is a 409. Honours `If-Match`.""",
)

# The portfolio's collection: the same resource, its own operation id.
portfolio_decision = ResourceRoutes(
    router, "/api/v1/decisions/{decision_id}", DecisionOut, service.decision_json
)
portfolio_decision.operations = "portfolio-decisions"
portfolio_decision.create(
    "/api/v1/portfolios/{portfolio_id}/decisions",
    service.create_portfolio_decision,
    DecisionCreate,
    "A portfolio's decision. " + _CREATE_DOC,
)
