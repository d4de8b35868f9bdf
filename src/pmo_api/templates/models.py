"""Tables of methodology templates: a template (its key) and its immutable versions.

A version's body (milestones, gate definitions, KPIs, categories, roles, cadence) is one JSON
document: it is written once and always read whole, so child tables would only add joins."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, table_of
from pmo_api.db.types import PortableJSON


class Anchor(StrEnum):
    """Where a template milestone's offset counts from: forward from the project's start, or
    back from its finish."""

    START = "start"
    FINISH = "finish"


class CriterionLevel(StrEnum):
    """A gate criterion that `must` be met (or explicitly overridden), or `should` be."""

    MUST = "must"
    SHOULD = "should"


class MethodologyTemplate(TrackedMixin, Base):
    """A template: its `key`, and the name and description of its latest version."""

    __tablename__ = "methodology_templates"

    key: Mapped[str] = mapped_column(sa.String(50), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    latest_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    __table_args__ = (
        sa.CheckConstraint("latest_version >= 1", name="latest_version_positive"),
        sa.Index(None, "created_at", "id"),
        sa.Index(None, "updated_at", "id"),
    )


class TemplateVersion(TrackedMixin, Base):
    """One published version of a template (never changed once written)."""

    __tablename__ = "methodology_template_versions"

    template_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("methodology_templates.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    body: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.UniqueConstraint("template_id", "number"),
        sa.Index(None, "updated_at", "id"),
    )


templates = table_of(MethodologyTemplate)
template_versions = table_of(TemplateVersion)
