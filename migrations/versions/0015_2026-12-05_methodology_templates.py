"""Methodology templates (issue 15): templates and their immutable versions, a milestone's
`gate_key` (one milestone per gate and project; a gate key makes the milestone a gate), and the
template and version a project records. All of this branch's schema is in this one file.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 18:31:05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmo_api.db.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "methodology_templates",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "latest_version >= 1", name=op.f("ck_methodology_templates_latest_version_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_methodology_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_methodology_templates_key")),
    )
    with op.batch_alter_table("methodology_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_methodology_templates_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_methodology_templates_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "methodology_template_versions",
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "number >= 1", name=op.f("ck_methodology_template_versions_number_positive")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["methodology_templates.id"],
            name=op.f("fk_methodology_template_versions_template_id_methodology_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_methodology_template_versions")),
        sa.UniqueConstraint(
            "template_id",
            "number",
            name=op.f("uq_methodology_template_versions_template_id_number"),
        ),
    )
    with op.batch_alter_table("methodology_template_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_methodology_template_versions_updated_at_id"),
            ["updated_at", "id"],
            unique=False,
        )

    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gate_key", sa.String(length=50), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_milestones_project_id_gate_key"), ["project_id", "gate_key"]
        )
        batch_op.create_check_constraint(
            op.f("ck_milestones_gate_key_is_gate"), "gate_key IS NULL OR is_gate"
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("template_version", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_projects_template_id_methodology_templates"),
            "methodology_templates",
            ["template_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_projects_template_id_methodology_templates"), type_="foreignkey"
        )
        batch_op.drop_column("template_version")
        batch_op.drop_column("template_id")

    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_milestones_gate_key_is_gate"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_milestones_project_id_gate_key"), type_="unique")
        batch_op.drop_column("gate_key")

    with op.batch_alter_table("methodology_template_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_methodology_template_versions_updated_at_id"))

    op.drop_table("methodology_template_versions")
    with op.batch_alter_table("methodology_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_methodology_templates_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_methodology_templates_created_at_id"))

    op.drop_table("methodology_templates")
