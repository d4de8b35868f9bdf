"""The `Rag` enum (kpis/models.Rag), shared by KPI values and status reports."""

from __future__ import annotations

import strawberry

from pmo_api.kpis.models import Rag as Rag

strawberry.enum(Rag, description="A red-amber-green rating.")
