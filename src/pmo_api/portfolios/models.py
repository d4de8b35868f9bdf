"""Tables of the portfolios domain."""

from __future__ import annotations

import uuid

from sqlalchemy import Float, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, table_of


class Portfolio(TrackedMixin, Base):
    __tablename__ = "portfolios"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    owner: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index(None, "created_at", "id"),
        Index(None, "updated_at", "id"),
    )


class Objective(TrackedMixin, Base):
    """A strategic objective of a portfolio, weighted against its siblings."""

    __tablename__ = "objectives"

    portfolio_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("portfolios.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)


portfolios = table_of(Portfolio)
objectives = table_of(Objective)
