"""Tombstones: one row per row deleted (or archived), and per project moved to another
portfolio, so that incremental pulls learn what to drop (`GET /api/v1/deletions`).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("portfolio_id", sa.Uuid(), nullable=True),
        sa.Column("deleted_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "reason IN ('deleted','moved')", name=op.f("ck_tombstones_reason_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstones")),
    )
    op.create_index(
        op.f("ix_tombstones_deleted_at_id"), "tombstones", ["deleted_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_tombstones_portfolio_id_deleted_at"),
        "tombstones",
        ["portfolio_id", "deleted_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_tombstones_portfolio_id_deleted_at"), table_name="tombstones")
    op.drop_index(op.f("ix_tombstones_deleted_at_id"), table_name="tombstones")
    op.drop_table("tombstones")
