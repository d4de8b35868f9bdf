"""Action items (one shared object: gate conditions, findings, meetings, change requests) and
the decision log of projects and portfolios (issue 15).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmo_api.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_items",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'done') = (completed_on IS NOT NULL)",
            name=op.f("ck_action_items_completed_when_done"),
        ),
        sa.CheckConstraint(
            "source IN ('gate_condition','finding','meeting','change_request','other')",
            name=op.f("ck_action_items_source_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open','in_progress','done','cancelled')",
            name=op.f("ck_action_items_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_action_items_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_items_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_due_date_id"), ["due_date", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_project_id_status_due_date"),
            ["project_id", "status", "due_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_source_source_id"), ["source", "source_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("portfolio_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column(
            "alternatives",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column(
            "links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "source IN ('gate_review','change_request','meeting','other')",
            name=op.f("ck_decisions_source_known"),
        ),
        sa.CheckConstraint(
            "(project_id IS NULL) <> (portfolio_id IS NULL)", name=op.f("ck_decisions_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["portfolios.id"],
            name=op.f("fk_decisions_portfolio_id_portfolios"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_decisions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decisions_portfolio_id_decided_on"),
            ["portfolio_id", "decided_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_decisions_project_id_decided_on"),
            ["project_id", "decided_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_decisions_source_source_id"), ["source", "source_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decisions_updated_at_id"), ["updated_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_source_source_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_project_id_decided_on"))
        batch_op.drop_index(batch_op.f("ix_decisions_portfolio_id_decided_on"))
        batch_op.drop_index(batch_op.f("ix_decisions_created_at_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_source_source_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_project_id_status_due_date"))
        batch_op.drop_index(batch_op.f("ix_action_items_due_date_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_created_at_id"))

    op.drop_table("action_items")
