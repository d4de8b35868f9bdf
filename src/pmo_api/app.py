"""create_app(settings): the whole service, assembled from its domains."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from pmo_api import __version__
from pmo_api.access.authenticate import Authenticator
from pmo_api.access.failures import FailedAuthLimit
from pmo_api.access.keys import KeyStore
from pmo_api.access.me import router as me_router
from pmo_api.access.middleware import AuthMiddleware
from pmo_api.access.openapi import document_bearer_auth
from pmo_api.access.ratelimit import make_rate_limiter
from pmo_api.access.router import router as access_router
from pmo_api.actions.router import router as action_items_router
from pmo_api.assumptions.router import router as assumptions_router
from pmo_api.audit.router import router as audit_router
from pmo_api.budget.router import router as budget_router
from pmo_api.change_requests.router import router as change_requests_router
from pmo_api.compliance.router import router as compliance_router
from pmo_api.core import graphiql, handlers, http_security
from pmo_api.core.openapi import document_responses
from pmo_api.core.openapi_csv import add_csv_paths
from pmo_api.core.query_params import known_query_parameters
from pmo_api.core.responses import JSONResponse
from pmo_api.db.database import Database
from pmo_api.db.migrate import head_revision
from pmo_api.decisions.router import router as decisions_router
from pmo_api.deletions.router import router as deletions_router
from pmo_api.dependencies.router import router as dependencies_router
from pmo_api.evm.router import router as evm_router
from pmo_api.gates.router import router as gate_reviews_router
from pmo_api.graphql.schema import graphql_router
from pmo_api.health.router import router as health_router
from pmo_api.kpis.router import router as kpis_router
from pmo_api.logs import AccessLog, configure_logging
from pmo_api.ops import docs
from pmo_api.ops.metrics import Metrics
from pmo_api.ops.middleware import InputGuardMiddleware, RequestContextMiddleware
from pmo_api.ops.router import router as ops_router
from pmo_api.portfolio_views.router import router as portfolio_views_router
from pmo_api.portfolios.router import router as portfolios_router
from pmo_api.programs.router import router as programs_router
from pmo_api.projects.hot_routes import HOT_ROUTES
from pmo_api.projects.router import router as projects_router
from pmo_api.quality.router import router as quality_router
from pmo_api.raid.router import router as raid_router
from pmo_api.raid_issues.router import router as raid_issues_router
from pmo_api.reports.router import router as reports_router
from pmo_api.resources.certification_routes import router as certifications_router
from pmo_api.resources.plan_routes import router as plans_router
from pmo_api.resources.router import router as resources_router
from pmo_api.resources.time_routes import router as time_entries_router
from pmo_api.risks.router import router as risks_router
from pmo_api.schedule.router import router as schedule_router
from pmo_api.settings import Settings
from pmo_api.templates.router import router as templates_router

DESCRIPTION = """\
The system of record of a Project Management Office: portfolios, projects, milestones, budgets,
costs, risks, KPIs and status reports, with earned value computed by the server.

Conventions: JSON with `snake_case`; money as numbers with at most 2 decimals; lists as
`{"data": [...], "next_cursor": ...}` with a `Link: rel="next"` header; `PATCH` is JSON Merge
Patch; every resource has a `version` carried by `ETag` (`If-Match` → 412 on mismatch,
`If-None-Match` → 304); every `POST` honours `Idempotency-Key`; errors are RFC 9457
`application/problem+json`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    db = Database(settings)
    metrics = Metrics()
    keys = KeyStore(db, cache_seconds=settings.auth_cache_seconds)
    authenticator = Authenticator.of(keys, db, settings)
    limiter = make_rate_limiter(settings.rate_limit_per_minute, settings.redis_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await db.start()
        yield
        await keys.drain()
        await authenticator.close()
        await limiter.close()
        await db.dispose()

    app = FastAPI(
        title="pmo-api",
        version=__version__,
        description=DESCRIPTION,
        default_response_class=JSONResponse,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # Unknown query parameters are a 422 on every operation (core/query_params.py).
        dependencies=[Depends(known_query_parameters)],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.metrics = metrics
    app.state.keys = keys
    app.state.rate_limiter = limiter  # GraphQL charges an operation by its cost (graphql/guard.py)
    app.state.migration_head = head_revision()

    handlers.install(app, retry_after_seconds=settings.retry_after_seconds)
    # Routes are matched in order: the most requested first.
    app.include_router(templates_router)
    app.include_router(projects_router)
    app.include_router(schedule_router)
    app.include_router(budget_router)
    app.include_router(evm_router)
    app.include_router(health_router)
    app.include_router(risks_router)
    app.include_router(gate_reviews_router)
    app.include_router(quality_router)
    app.include_router(dependencies_router)
    app.include_router(raid_issues_router)
    app.include_router(assumptions_router)
    app.include_router(raid_router)
    app.include_router(kpis_router)
    app.include_router(reports_router)
    app.include_router(resources_router)
    app.include_router(time_entries_router)
    app.include_router(plans_router)
    app.include_router(certifications_router)
    app.include_router(action_items_router)
    app.include_router(decisions_router)
    app.include_router(change_requests_router)
    app.include_router(portfolio_views_router)
    app.include_router(compliance_router)
    app.include_router(portfolios_router)
    app.include_router(programs_router)
    app.include_router(access_router)
    app.include_router(me_router)
    app.include_router(audit_router)
    app.include_router(deletions_router)
    app.include_router(ops_router)
    app.include_router(graphql_router(settings), prefix="/graphql")
    # Lean twins of the hottest routes, matched first (projects/hot_routes.py says why).
    app.router.routes[0:0] = HOT_ROUTES
    add_csv_paths(app)  # `GET <list>.csv` for every list that offers CSV
    docs.install(app)
    graphiql.install(app)
    document_bearer_auth(app)
    document_responses(app)

    # Outermost last: the request context wraps everything; a caller is authenticated (and
    # rate limited) before any of its body is read.
    app.add_middleware(InputGuardMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        AuthMiddleware,
        keys=authenticator,
        limiter=limiter,
        public_docs=settings.public_docs,
        retry_after_seconds=settings.retry_after_seconds,
        failures=FailedAuthLimit(settings.unauthenticated_rate_limit_per_minute),
        metrics_token=settings.metrics_token.get_secret_value() if settings.metrics_token else None,
    )
    # Outside authentication: a preflight carries no key; a 401 still needs CORS headers.
    http_security.install(app, cors_origins=settings.cors_origin_list)
    access_log = AccessLog(json_lines=settings.log_json) if settings.access_log else None
    app.add_middleware(RequestContextMiddleware, metrics=metrics, access_log=access_log)
    return app
