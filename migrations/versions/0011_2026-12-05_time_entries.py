"""Time entries (issue 14, actual hours): the hours a resource worked on a project one day,
priced at the rate in force that day; their cost is part of the project's actual cost. And
the certifications and training records of resources.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "time_entries",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("external_ref", sa.String(length=200), nullable=True),
        sa.Column("rate", sa.BigInteger(), nullable=True),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_time_entries_cost_positive")),
        sa.CheckConstraint("hours > 0 AND hours <= 24", name=op.f("ck_time_entries_hours_range")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_time_entries_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_time_entries_resource_id_resources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
        sa.UniqueConstraint(
            "project_id", "external_ref", name=op.f("uq_time_entries_project_id_external_ref")
        ),
    )
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_entries_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_time_entries_project_id_work_date"),
            ["project_id", "work_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_time_entries_resource_id_work_date"),
            ["resource_id", "work_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_time_entries_updated_at_id"), ["updated_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_time_entries_work_date_project_id_cost"),
            ["work_date", "project_id", "cost"],
            unique=False,
        )

    op.create_table(
        "certifications",
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on",
            name=op.f("ck_certifications_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_certifications_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
    )
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certifications_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certifications_expires_on_id"), ["expires_on", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certifications_resource_id_issued_on"),
            ["resource_id", "issued_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_certifications_updated_at_id"), ["updated_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certifications_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_certifications_resource_id_issued_on"))
        batch_op.drop_index(batch_op.f("ix_certifications_expires_on_id"))
        batch_op.drop_index(batch_op.f("ix_certifications_created_at_id"))

    op.drop_table("certifications")

    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_entries_work_date_project_id_cost"))
        batch_op.drop_index(batch_op.f("ix_time_entries_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_time_entries_resource_id_work_date"))
        batch_op.drop_index(batch_op.f("ix_time_entries_project_id_work_date"))
        batch_op.drop_index(batch_op.f("ix_time_entries_created_at_id"))

    op.drop_table("time_entries")
