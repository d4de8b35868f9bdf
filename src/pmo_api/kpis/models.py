"""KPI definitions and their measurements per project."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class KpiDirection(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class KpiSubject(StrEnum):
    """What a KPI's values are about: a project (every measured KPI, most built-in ones) or a
    resource (kpis/builtin.PER_RESOURCE, reported by /api/v1/resource-kpi-values)."""

    PROJECT = "project"
    RESOURCE = "resource"


class Rag(StrEnum):
    """A red-amber-green rating: a KPI value's status (kpis/rules.py), a status report's."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class KpiDefinition(TrackedMixin, Base):
    """A KPI. `computed` ones are built in (kpis/builtin.py): their values come from the
    earned-value engine and the risk register, never from stored measurements."""

    __tablename__ = "kpi_definitions"

    code: Mapped[str] = mapped_column(sa.String(50), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    unit: Mapped[str | None] = mapped_column(sa.String(50))
    direction: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    target: Mapped[float | None] = mapped_column(sa.Float)
    amber_threshold: Mapped[float | None] = mapped_column(sa.Float)
    red_threshold: Mapped[float | None] = mapped_column(sa.Float)
    computed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    __table_args__ = (
        sa.CheckConstraint(one_of("direction", KpiDirection), name="direction_known"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


class KpiMeasurement(TrackedMixin, Base):
    __tablename__ = "kpi_measurements"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    kpi_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("kpi_definitions.id", ondelete="RESTRICT"), nullable=False
    )
    measured_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    value: Mapped[float] = mapped_column(sa.Float, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("project_id", "kpi_id", "measured_on"),
        sa.Index(None, "kpi_id", "measured_on"),
        sa.Index(None, "updated_at", "id"),
    )


definitions = table_of(KpiDefinition)
measurements = table_of(KpiMeasurement)
