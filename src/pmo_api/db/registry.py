"""Imports every domain's tables so that `Base.metadata` is complete (for alembic and tests)."""

from pmo_api.access import models as access_models
from pmo_api.actions import models as action_models
from pmo_api.assumptions import models as assumption_models
from pmo_api.audit import models as audit_models
from pmo_api.budget import models as budget_models
from pmo_api.change_requests import models as change_request_models
from pmo_api.compliance import models as compliance_models
from pmo_api.core import idempotency_models
from pmo_api.db.base import Base
from pmo_api.decisions import models as decision_models
from pmo_api.deletions import models as deletion_models
from pmo_api.dependencies import models as dependency_models
from pmo_api.evm import models as evm_models
from pmo_api.gates import models as gate_models
from pmo_api.kpis import models as kpi_models
from pmo_api.portfolios import models as portfolio_models
from pmo_api.programs import models as program_models
from pmo_api.projects import models as project_models
from pmo_api.quality import models as quality_models
from pmo_api.raid_issues import models as raid_issue_models
from pmo_api.reports import models as report_models
from pmo_api.resources import models as resource_models
from pmo_api.risks import models as risk_models
from pmo_api.schedule import models as schedule_models
from pmo_api.templates import models as template_models

__all__ = [
    "Base",
    "access_models",
    "action_models",
    "assumption_models",
    "audit_models",
    "budget_models",
    "change_request_models",
    "compliance_models",
    "decision_models",
    "deletion_models",
    "dependency_models",
    "evm_models",
    "gate_models",
    "idempotency_models",
    "kpi_models",
    "portfolio_models",
    "program_models",
    "project_models",
    "quality_models",
    "raid_issue_models",
    "report_models",
    "resource_models",
    "risk_models",
    "schedule_models",
    "template_models",
]

metadata = Base.metadata
