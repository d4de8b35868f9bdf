"""Change requests (issue 15) and, on a budget baseline's lines, the change request whose
approval made that baseline.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmo_api.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_requests",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("cost_delta", sa.BigInteger(), nullable=False),
        sa.Column("schedule_delta_days", sa.Integer(), nullable=False),
        sa.Column(
            "affected_milestone_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("submitted_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("implemented_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("baseline", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('scope','cost','schedule','resource')",
            name=op.f("ck_change_requests_category_known"),
        ),
        sa.CheckConstraint(
            "priority IN ('low','medium','high','critical')",
            name=op.f("ck_change_requests_priority_known"),
        ),
        sa.CheckConstraint(
            "state IN ('draft','submitted','approved','rejected','withdrawn','implemented')",
            name=op.f("ck_change_requests_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_change_requests_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_requests_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_project_id_state"), ["project_id", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_updated_at_id"), ["updated_at", "id"], unique=False
        )

    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_request_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_column("change_request_id")

    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_change_requests_project_id_state"))
        batch_op.drop_index(batch_op.f("ix_change_requests_created_at_id"))

    op.drop_table("change_requests")
