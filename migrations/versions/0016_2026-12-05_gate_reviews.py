"""Gate reviews (issue 15): the review of a project's stage gate (a milestone with `is_gate`),
its criteria results, reviewers and votes, the decision and its conditions; at most one open
(undecided) review per gate. Audit events name them `gate_review` (a string column: no schema
change for the new object type, nor for the new action `decide`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 18:31:43
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmo_api.db.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate_reviews",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("milestone_id", sa.Uuid(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column(
            "criteria",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "reviewers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column(
            "conditions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("superseded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('go','hold','recycle','kill')",
            name=op.f("ck_gate_reviews_decision_known"),
        ),
        sa.CheckConstraint(
            "(decision IS NULL) = (decided_on IS NULL)",
            name=op.f("ck_gate_reviews_decided_on_with_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_gate_reviews_milestone_id_milestones"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_gate_reviews_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["gate_reviews.id"],
            name=op.f("fk_gate_reviews_superseded_by_gate_reviews"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_reviews")),
    )
    with op.batch_alter_table("gate_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_reviews_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gate_reviews_milestone_id_created_at"),
            ["milestone_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_gate_reviews_project_id_created_at"),
            ["project_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_gate_reviews_updated_at_id"), ["updated_at", "id"], unique=False
        )
        batch_op.create_index(
            "uq_gate_reviews_open_milestone",
            ["milestone_id"],
            unique=True,
            postgresql_where=sa.text("decision IS NULL"),
            sqlite_where=sa.text("decision IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("gate_reviews", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_gate_reviews_open_milestone",
            postgresql_where=sa.text("decision IS NULL"),
            sqlite_where=sa.text("decision IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_gate_reviews_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_gate_reviews_project_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_gate_reviews_milestone_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_gate_reviews_created_at_id"))

    op.drop_table("gate_reviews")
