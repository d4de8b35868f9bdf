"""KPI definitions and their measurements per project."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class KpiDirection(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Rag(StrEnum):
    """A red-amber-green rating: a KPI value's status (kpis/rules.py), a status report's."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class KpiDefinition(TrackedMixin, Base):
    """A KPI. `computed` ones are built in (kpis/builtin.py): their values come from the
    earned-value engine and the risk register, never from stored measurements."""

    __tablename__ = "kpi_definitions"

    code: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(50))
    direction: Mapped[str] = mapped_column(String(20), nullable=False)
    target: Mapped[float | None] = mapped_column(Float)
    amber_threshold: Mapped[float | None] = mapped_column(Float)
    red_threshold: Mapped[float | None] = mapped_column(Float)
    computed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        CheckConstraint(one_of("direction", KpiDirection), name="direction_known"),
        Index(None, "created_at", "id"),
        Index(None, "updated_at", "id"),
    )


class KpiMeasurement(TrackedMixin, Base):
    __tablename__ = "kpi_measurements"

    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    kpi_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("kpi_definitions.id", ondelete="RESTRICT"), nullable=False
    )
    measured_on: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("project_id", "kpi_id", "measured_on"),
        Index(None, "kpi_id", "measured_on"),
        Index(None, "updated_at", "id"),
    )


definitions = table_of(KpiDefinition)
measurements = table_of(KpiMeasurement)
