"""Resource management (issue 14): roles, skills, resources and their skills, cost rates and
time off, organisation holidays, allocations to projects.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )
    with op.batch_alter_table("holidays", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holidays_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_holidays_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "resource_roles",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("default_rate", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "default_rate IS NULL OR default_rate >= 0",
            name=op.f("ck_resource_roles_rate_positive"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_roles")),
        sa.UniqueConstraint("name", name=op.f("uq_resource_roles_name")),
    )
    with op.batch_alter_table("resource_roles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_roles_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_roles_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "skills",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
        sa.UniqueConstraint("name", name=op.f("uq_skills_name")),
    )
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skills_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_skills_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "resources",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("role_id", sa.Uuid(), nullable=True),
        sa.Column("hours_mon", sa.Float(), nullable=False),
        sa.Column("hours_tue", sa.Float(), nullable=False),
        sa.Column("hours_wed", sa.Float(), nullable=False),
        sa.Column("hours_thu", sa.Float(), nullable=False),
        sa.Column("hours_fri", sa.Float(), nullable=False),
        sa.Column("hours_sat", sa.Float(), nullable=False),
        sa.Column("hours_sun", sa.Float(), nullable=False),
        sa.Column("availability_factor", sa.Float(), nullable=False),
        sa.Column("employment_start", sa.Date(), nullable=True),
        sa.Column("employment_end", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('person','placeholder','team')", name=op.f("ck_resources_kind_known")
        ),
        sa.CheckConstraint("availability_factor >= 0", name=op.f("ck_resources_factor_positive")),
        sa.CheckConstraint(
            "employment_end IS NULL OR employment_start IS NULL OR employment_end >= employment_start",
            name=op.f("ck_resources_employment_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["resource_roles.id"],
            name=op.f("fk_resources_role_id_resource_roles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        sa.UniqueConstraint("email", name=op.f("uq_resources_email")),
    )
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resources_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_resources_role_id"), ["role_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resources_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "allocations",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=True),
        sa.Column("role_id", sa.Uuid(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "mode IN ('hours_per_day','percent','total_hours')",
            name=op.f("ck_allocations_mode_known"),
        ),
        sa.CheckConstraint(
            "status IN ('tentative','requested','approved','rejected')",
            name=op.f("ck_allocations_status_known"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_allocations_amount_positive")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_allocations_dates_ordered")),
        sa.CheckConstraint(
            "resource_id IS NOT NULL OR role_id IS NOT NULL",
            name=op.f("ck_allocations_resource_or_role"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_allocations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_allocations_resource_id_resources"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["resource_roles.id"],
            name=op.f("fk_allocations_role_id_resource_roles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocations_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_allocations_project_id_start_date"),
            ["project_id", "start_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_allocations_resource_id_start_date"),
            ["resource_id", "start_date"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_allocations_role_id"), ["role_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_allocations_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "resource_rates",
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("rate >= 0", name=op.f("ck_resource_rates_rate_positive")),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_resource_rates_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_rates")),
        sa.UniqueConstraint(
            "resource_id",
            "effective_from",
            name=op.f("uq_resource_rates_resource_id_effective_from"),
        ),
    )
    with op.batch_alter_table("resource_rates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_rates_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "resource_skills",
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_resource_skills_level_range")),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_resource_skills_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_resource_skills_skill_id_skills"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_skills")),
        sa.UniqueConstraint(
            "resource_id", "skill_id", name=op.f("uq_resource_skills_resource_id_skill_id")
        ),
    )
    with op.batch_alter_table("resource_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_skills_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resource_skills_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "time_off",
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("hours_per_day", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_time_off_dates_ordered")),
        sa.CheckConstraint(
            "hours_per_day IS NULL OR hours_per_day > 0", name=op.f("ck_time_off_hours_positive")
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_time_off_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
    )
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_off_resource_id_start_date"),
            ["resource_id", "start_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_time_off_updated_at_id"), ["updated_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_off_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_time_off_resource_id_start_date"))

    op.drop_table("time_off")
    with op.batch_alter_table("resource_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_skills_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_resource_skills_skill_id"))

    op.drop_table("resource_skills")
    with op.batch_alter_table("resource_rates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_rates_updated_at_id"))

    op.drop_table("resource_rates")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocations_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_allocations_role_id"))
        batch_op.drop_index(batch_op.f("ix_allocations_resource_id_start_date"))
        batch_op.drop_index(batch_op.f("ix_allocations_project_id_start_date"))
        batch_op.drop_index(batch_op.f("ix_allocations_created_at_id"))

    op.drop_table("allocations")
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resources_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_resources_role_id"))
        batch_op.drop_index(batch_op.f("ix_resources_created_at_id"))

    op.drop_table("resources")
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skills_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_skills_created_at_id"))

    op.drop_table("skills")
    with op.batch_alter_table("resource_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_roles_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_resource_roles_created_at_id"))

    op.drop_table("resource_roles")
    with op.batch_alter_table("holidays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holidays_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_holidays_created_at_id"))

    op.drop_table("holidays")
