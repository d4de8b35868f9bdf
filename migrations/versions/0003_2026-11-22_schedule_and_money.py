"""Schedule and money: milestones, budget baselines, cost entries, progress, the earned-value
aggregates, and archived projects.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 05:38:01.397153
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_lines",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_budget_lines_amount_non_negative")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_budget_lines_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint(
            "project_id",
            "baseline",
            "period",
            "category",
            name=op.f("uq_budget_lines_project_id_baseline_period_category"),
        ),
    )
    op.create_table(
        "cost_entries",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("incurred_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("external_ref", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_cost_entries_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_entries")),
        sa.UniqueConstraint(
            "project_id", "external_ref", name=op.f("uq_cost_entries_project_id_external_ref")
        ),
    )
    with op.batch_alter_table("cost_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cost_entries_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cost_entries_project_id_incurred_on"),
            ["project_id", "incurred_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_cost_entries_updated_at_id"), ["updated_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cost_entries_incurred_on_project_id_amount"),
            ["incurred_on", "project_id", "amount"],
            unique=False,
        )

    op.create_table(
        "evm_months",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("next_month", sa.Date(), nullable=True),
        sa.Column("planned", sa.BigInteger(), nullable=False),
        sa.Column("planned_cum", sa.BigInteger(), nullable=False),
        sa.Column("actual", sa.BigInteger(), nullable=False),
        sa.Column("actual_cum", sa.BigInteger(), nullable=False),
        sa.Column("earned_milli", sa.BigInteger(), nullable=False),
        sa.Column("earned_milli_cum", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_evm_months_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "month", name=op.f("pk_evm_months")),
    )
    with op.batch_alter_table("evm_months", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evm_months_next_month"), ["next_month"], unique=False)
    op.create_table(
        "milestones",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("forecast_date", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("weight_milli", sa.BigInteger(), nullable=False),
        sa.Column("is_gate", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("weight_milli > 0", name=op.f("ck_milestones_weight_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_milestones_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestones_project_id_completed_on"),
            ["project_id", "completed_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_milestones_project_id_due_date"),
            ["project_id", "due_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_milestones_updated_at_id"), ["updated_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_milestones_completed_on_project_id_weight_milli"),
            ["completed_on", "project_id", "weight_milli"],
            unique=False,
        )

    op.create_table(
        "progress_records",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("percent_hundredths", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "percent_hundredths BETWEEN 0 AND 10000",
            name=op.f("ck_progress_records_percent_hundredths_range"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_progress_records_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_records")),
        sa.UniqueConstraint(
            "project_id", "as_of", name=op.f("uq_progress_records_project_id_as_of")
        ),
    )
    op.create_table(
        "project_finance",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.Column("baseline_lines", sa.Integer(), nullable=False),
        sa.Column("weight_milli_total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_finance_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_finance")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archived_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("archived_at")

    op.drop_table("project_finance")
    op.drop_table("progress_records")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestones_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_milestones_project_id_due_date"))
        batch_op.drop_index(batch_op.f("ix_milestones_project_id_completed_on"))

    op.drop_table("milestones")
    op.drop_table("evm_months")
    with op.batch_alter_table("cost_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cost_entries_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_cost_entries_project_id_incurred_on"))
        batch_op.drop_index(batch_op.f("ix_cost_entries_created_at_id"))

    op.drop_table("cost_entries")
    op.drop_table("budget_lines")
