"""Schema assembly: each domain contributes its queries and mutations; limits and masking here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from starlette.requests import Request
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.fastapi import GraphQLRouter
from strawberry.tools import merge_types

from pmo_api.access.principal import Principal
from pmo_api.actions.graphql import ActionItemMutation, ActionItemQuery
from pmo_api.assumptions.graphql import AssumptionMutation, AssumptionQuery
from pmo_api.budget.graphql import BudgetMutation, BudgetQuery
from pmo_api.change_requests.graphql import ChangeRequestMutation, ChangeRequestQuery
from pmo_api.core.errors import DomainError
from pmo_api.core.http import DB, AppSettings
from pmo_api.decisions.graphql import DecisionMutation, DecisionQuery
from pmo_api.dependencies.graphql import DependencyMutation, DependencyQuery
from pmo_api.gates.graphql import GateReviewMutation, GateReviewQuery
from pmo_api.graphql.context import Context
from pmo_api.graphql.error_codes import MASKED, bad_variable
from pmo_api.graphql.guard import GuardedSchema, OperationGuard
from pmo_api.graphql.outages import DatabaseOutages
from pmo_api.graphql.router import GraphQLHTTPRouter
from pmo_api.kpis.graphql import KpiMutation, KpiQuery
from pmo_api.portfolios.graphql import PortfolioMutation, PortfolioQuery
from pmo_api.programs.graphql import ProgramMutation, ProgramQuery
from pmo_api.projects.graphql import ProjectMutation, ProjectQuery
from pmo_api.quality.graphql import QualityMutation, QualityQuery
from pmo_api.raid_issues.graphql import IssueMutation, IssueQuery
from pmo_api.reports.graphql import ReportMutation, ReportQuery
from pmo_api.resources.graphql import ResourceMutation, ResourceQuery
from pmo_api.resources.plan_graphql import PlanQuery
from pmo_api.risks.graphql import RiskMutation, RiskQuery
from pmo_api.schedule.graphql import MilestoneMutation, MilestoneQuery, ProgressMutation
from pmo_api.settings import Settings
from pmo_api.templates.graphql import TemplateMutation, TemplateQuery

Query = merge_types(
    "Query",
    (
        PortfolioQuery,
        ProgramQuery,
        ProjectQuery,
        MilestoneQuery,
        TemplateQuery,
        BudgetQuery,
        RiskQuery,
        QualityQuery,
        ActionItemQuery,
        DecisionQuery,
        GateReviewQuery,
        ChangeRequestQuery,
        KpiQuery,
        ReportQuery,
        ResourceQuery,
        PlanQuery,
        DependencyQuery,
        IssueQuery,
        AssumptionQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        PortfolioMutation,
        ProgramMutation,
        ProjectMutation,
        MilestoneMutation,
        TemplateMutation,
        BudgetMutation,
        ProgressMutation,
        RiskMutation,
        QualityMutation,
        ActionItemMutation,
        DecisionMutation,
        GateReviewMutation,
        ChangeRequestMutation,
        KpiMutation,
        ReportMutation,
        ResourceMutation,
        DependencyMutation,
        IssueMutation,
        AssumptionMutation,
    ),
)


def _should_mask(error: GraphQLError) -> bool:
    """Syntax and validation errors (no original error), variables that do not fit their type
    and our domain errors are safe to show; anything else may carry internals and is masked."""
    original = error.original_error
    return (
        original is not None and not isinstance(original, DomainError) and not bad_variable(error)
    )


def build_schema(settings: Settings) -> strawberry.Schema:
    # The validation rules are built once: strawberry's validation cache is keyed by the rule
    # classes, and limiter extensions made per request would each bring new classes (a miss on
    # every request). Extensions are passed as factories, as strawberry asks.
    rules: list[type[ASTValidationRule]] = [
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=30).validation_rules,
    ]
    if not settings.graphql_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=5000),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=500),
        lambda: ValidationCache(maxsize=500),
        # Cost (with the variables sent), REST's bounds on filters, and the rate limit charged
        # by cost, before execution: graphql/guard.py. The time budget is GuardedSchema's.
        OperationGuard,
        lambda: MaskErrors(should_mask_error=_should_mask, error_message=MASKED),
        DatabaseOutages,  # after MaskErrors: a 503, not a masked error (graphql/outages.py)
    ]
    return GuardedSchema(query=Query, mutation=Mutation, extensions=extensions)


async def _context(request: Request, db: DB, settings: AppSettings) -> Context:
    principal: Principal | None = request.scope.get("state", {}).get("principal")
    return Context(db=db, principal=principal, settings=settings)


def graphql_router(settings: Settings) -> GraphQLRouter[Any, Any]:
    return GraphQLHTTPRouter(
        build_schema(settings),
        context_getter=_context,
        graphql_ide="graphiql" if settings.graphql_introspection else None,
        subscription_protocols=(),  # no subscriptions: do not offer WebSockets at all
        multipart_uploads_enabled=False,
    )
