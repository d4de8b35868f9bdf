"""DataLoaders, one per file; each batch reads in its own short connection (never a session
shared between fields resolved concurrently)."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.action_items_by_project import action_items_by_project
from pmo_api.graphql.loaders.allocations_by_project import allocations_by_project
from pmo_api.graphql.loaders.allocations_by_resource import allocations_by_resource
from pmo_api.graphql.loaders.assumptions_by_project import assumptions_by_project
from pmo_api.graphql.loaders.availability_by_resource import availability_by_resource
from pmo_api.graphql.loaders.baseline_by_project import baseline_by_project
from pmo_api.graphql.loaders.budget_lines_by_project import budget_lines_by_project
from pmo_api.graphql.loaders.change_requests_by_project import change_requests_by_project
from pmo_api.graphql.loaders.compliance_by_project import (
    compliance_by_portfolio,
    compliance_by_program,
    compliance_by_project,
)
from pmo_api.graphql.loaders.costs_by_project import costs_by_project
from pmo_api.graphql.loaders.decisions_by_project import decisions_by_project
from pmo_api.graphql.loaders.dependencies_by_milestone import dependencies_by_milestone
from pmo_api.graphql.loaders.evm_points import evm_points
from pmo_api.graphql.loaders.findings_by_review import findings_by_review
from pmo_api.graphql.loaders.gate_reviews_by_milestone import gate_reviews_by_milestone
from pmo_api.graphql.loaders.gate_reviews_by_project import gate_reviews_by_project
from pmo_api.graphql.loaders.health_by_project import health_by_project
from pmo_api.graphql.loaders.issues_by_project import issues_by_project
from pmo_api.graphql.loaders.kpis_by_project import kpis_by_project
from pmo_api.graphql.loaders.milestones_by_project import milestones_by_project
from pmo_api.graphql.loaders.portfolio_by_id import portfolio_by_id
from pmo_api.graphql.loaders.program_by_id import program_by_id
from pmo_api.graphql.loaders.program_rollups import health_by_program, risk_matrix_by_program
from pmo_api.graphql.loaders.programs_by_portfolio import programs_by_portfolio
from pmo_api.graphql.loaders.progress_by_project import progress_by_project
from pmo_api.graphql.loaders.projects_by_portfolio import (
    project_counts_by_portfolio,
    projects_by_portfolio,
)
from pmo_api.graphql.loaders.quality_reviews_by_project import quality_reviews_by_project
from pmo_api.graphql.loaders.risk_matrix_by_portfolio import risk_matrix_by_portfolio
from pmo_api.graphql.loaders.risks_by_project import risks_by_project
from pmo_api.graphql.loaders.status_reports_by_project import status_reports_by_project
from pmo_api.graphql.loaders.template_versions import template_versions
from pmo_api.graphql.loaders.time_entries_by_project import time_entries_by_project
from pmo_api.health.rules import Thresholds
from pmo_api.projects.models import Grouping
from pmo_api.settings import Settings


class Loaders:
    """Made fresh for each request, so that nothing cached outlives it."""

    def __init__(self, db: Database, principal: Principal, settings: Settings) -> None:
        self.portfolio_by_id = portfolio_by_id(db, principal)
        self.projects_by_portfolio = projects_by_portfolio(db, principal)
        self.project_counts_by_portfolio = project_counts_by_portfolio(db, principal)
        self.program_by_id = program_by_id(db, principal)
        self.programs_by_portfolio = programs_by_portfolio(db, principal)
        self.health_by_program = health_by_program(db, principal, Thresholds.of(settings))
        self.risk_matrix_by_program = risk_matrix_by_program(db, principal)
        self.projects_by_program = projects_by_portfolio(db, principal, Grouping.PROGRAM)
        self.project_counts_by_program = project_counts_by_portfolio(
            db, principal, Grouping.PROGRAM
        )
        self.milestones_by_project = milestones_by_project(db, principal)
        self.costs_by_project = costs_by_project(db, principal)
        self.budget_lines_by_project = budget_lines_by_project(db, principal)
        self.baseline_by_project = baseline_by_project(db, principal)
        self.progress_by_project = progress_by_project(db, principal)
        self.evm_points = evm_points(db, principal)
        self.health_by_project = health_by_project(db, principal, Thresholds.of(settings))
        self.risks_by_project = risks_by_project(db, principal)
        self.quality_reviews_by_project = quality_reviews_by_project(db, principal)
        self.findings_by_review = findings_by_review(db, principal)
        self.action_items_by_project = action_items_by_project(db, principal)
        self.decisions_by_project = decisions_by_project(db, principal)
        self.change_requests_by_project = change_requests_by_project(db, principal)
        self.issues_by_project = issues_by_project(db, principal)
        self.assumptions_by_project = assumptions_by_project(db, principal)
        self.dependencies_by_milestone = dependencies_by_milestone(db, principal)
        self.kpis_by_project = kpis_by_project(db, principal, settings)
        self.compliance_by_project = compliance_by_project(db, principal, settings)
        self.compliance_by_portfolio = compliance_by_portfolio(db, principal, settings)
        self.compliance_by_program = compliance_by_program(db, principal, settings)
        self.status_reports_by_project = status_reports_by_project(db, principal)
        self.risk_matrix_by_portfolio = risk_matrix_by_portfolio(db, principal)
        self.allocations_by_project = allocations_by_project(db, principal)
        self.time_entries_by_project = time_entries_by_project(db, principal)
        self.allocations_by_resource = allocations_by_resource(db, principal)
        self.availability_by_resource = availability_by_resource(db, principal)
        self.template_versions = template_versions(db, principal)
        self.gate_reviews_by_project = gate_reviews_by_project(db, principal)
        self.gate_reviews_by_milestone = gate_reviews_by_milestone(db, principal)
