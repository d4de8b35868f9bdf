"""Imports every domain's tables so that `Base.metadata` is complete (for alembic and tests)."""

from pmo_api.access import models as access_models
from pmo_api.audit import models as audit_models
from pmo_api.core import idempotency_models
from pmo_api.db.base import Base
from pmo_api.finance import models as finance_models
from pmo_api.kpis import models as kpi_models
from pmo_api.portfolios import models as portfolio_models
from pmo_api.projects import models as project_models
from pmo_api.reports import models as report_models
from pmo_api.risks import models as risk_models

__all__ = [
    "Base",
    "access_models",
    "audit_models",
    "finance_models",
    "idempotency_models",
    "kpi_models",
    "portfolio_models",
    "project_models",
    "report_models",
    "risk_models",
]

metadata = Base.metadata
